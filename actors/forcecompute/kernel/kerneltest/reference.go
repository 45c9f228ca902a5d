package kerneltest

import (
	"math"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Reference advances ticks ticks of the model documented on kernel.Params,
// from kernel.InitialPositions, with the exact all-pairs repulsion whatever
// p.Theta says. It is deliberately naive (float64, O(n^2) per tick) and is
// the yardstick kernels are checked against. It returns positions as
// structure of arrays, as Kernel.Positions writes them.
func Reference(p kernel.Params, g kernel.Graph, c kernel.Constraints, ticks int) []float32 {
	n, d := g.Nodes, p.Dims
	pos32 := make([]float32, d*n)
	kernel.InitialPositions(p, 0, n, pos32)
	x := make([][3]float64, n)
	v := make([][3]float64, n)
	for i := range x {
		for c := 0; c < d; c++ {
			x[i][c] = float64(pos32[c*n+i])
		}
	}
	pins := map[int][3]float64{}
	for _, q := range c.Pins {
		pins[int(q.Node)] = [3]float64{float64(q.X), float64(q.Y), float64(q.Z)}
	}
	hold := func() {
		for i, q := range pins {
			for c := 0; c < d; c++ {
				x[i][c], v[i][c] = q[c], 0
			}
		}
	}
	hold()
	eps2 := float64(p.Softening) * float64(p.Softening)
	spring := func(f *[3]float64, a, b int, k, rest float64) {
		var r [3]float64
		var l2 float64
		for c := 0; c < d; c++ {
			r[c] = x[b][c] - x[a][c]
			l2 += r[c] * r[c]
		}
		if l := math.Sqrt(l2); l > 0 {
			for c := 0; c < d; c++ {
				f[c] += k * (l - rest) * r[c] / l
			}
		}
	}
	f := make([][3]float64, n)
	for t := 0; t < ticks; t++ {
		alpha := kernel.Alpha(p, t)
		for i := 0; i < n; i++ {
			var fi [3]float64
			for j := 0; j < n; j++ {
				var r [3]float64
				var r2 float64
				for c := 0; c < d; c++ {
					r[c] = x[i][c] - x[j][c]
					r2 += r[c] * r[c]
				}
				s := float64(p.RepelK) / math.Pow(r2+eps2, float64(d)/2)
				for c := 0; c < d; c++ {
					fi[c] += s * r[c]
				}
			}
			for e := g.RowPtr[i]; e < g.RowPtr[i+1]; e++ {
				w := 1.0
				if g.Weight != nil {
					w = float64(g.Weight[e])
				}
				spring(&fi, i, int(g.Col[e]), float64(p.SpringK)*w, float64(p.RestLength))
			}
			for c := 0; c < d; c++ {
				fi[c] -= float64(p.CenterGravityK) * x[i][c]
			}
			f[i] = fi
		}
		for _, q := range c.Distances {
			a, b := int(q.A), int(q.B)
			k := float64(q.Stiffness)
			if k == 0 {
				k = float64(p.SpringK)
			}
			var fa, fb [3]float64
			spring(&fa, a, b, k, float64(q.Length))
			spring(&fb, b, a, k, float64(q.Length))
			for c := 0; c < d; c++ {
				f[a][c] += fa[c]
				f[b][c] += fb[c]
			}
		}
		for i := 0; i < n; i++ {
			scale := alpha
			if l := norm(f[i][:d]); l > float64(p.MaxForce) {
				scale *= float64(p.MaxForce) / l
			}
			for c := 0; c < d; c++ {
				v[i][c] = (v[i][c] + f[i][c]*scale*float64(p.DT)) * float64(p.Damping)
			}
			if l := norm(v[i][:d]); l > float64(p.MaxVelocity) {
				for c := 0; c < d; c++ {
					v[i][c] *= float64(p.MaxVelocity) / l
				}
			}
			for c := 0; c < d; c++ {
				x[i][c] += v[i][c] * float64(p.DT)
			}
		}
		hold()
	}
	out := make([]float32, d*n)
	for i := range x {
		for c := 0; c < d; c++ {
			out[c*n+i] = float32(x[i][c])
		}
	}
	return out
}

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}
