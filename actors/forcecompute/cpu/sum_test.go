package cpu

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSumMatchesGo checks the platform sums (assembly on amd64) against the
// plain Go loops on random lists, coincident terms and padding included.
func TestSumMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 7, 8, 9, 64, 300} {
		var l ilist
		for j := 0; j < n; j++ {
			l.add(rng.Float32()*200-100, rng.Float32()*200-100, rng.Float32()*200-100, float32(1+rng.IntN(50)))
		}
		l.add(1, 2, 3, 1) // coincident with the query point below
		l.pad()
		const px, py, pz, eps2 = 1, 2, 3, 0.25
		gx, gy, gz := sum3Go(&l, px, py, pz, eps2)
		ax, ay, az := sum3(&l, px, py, pz, eps2)
		for _, c := range [][2]float32{{gx, ax}, {gy, ay}, {gz, az}} {
			if !close32(c[0], c[1], 1e-4, gx, gy, gz) {
				t.Errorf("n=%d 3D: go %v %v %v, platform %v %v %v", n, gx, gy, gz, ax, ay, az)
				break
			}
		}
		hx, hy := sum2Go(&l, px, py, eps2)
		bx, by := sum2(&l, px, py, eps2)
		if !close32(hx, bx, 1e-4, hx, hy, 0) || !close32(hy, by, 1e-4, hx, hy, 0) {
			t.Errorf("n=%d 2D: go %v %v, platform %v %v", n, hx, hy, bx, by)
		}
	}
}

// close32 compares a and b relative to the norm of the vector (x, y, z).
func close32(a, b float32, tol float64, x, y, z float32) bool {
	norm := math.Sqrt(float64(x)*float64(x) + float64(y)*float64(y) + float64(z)*float64(z))
	return math.Abs(float64(a)-float64(b)) <= tol*norm+1e-12
}

var sinkF float32

func BenchmarkSum(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var l ilist
	for j := 0; j < 512; j++ {
		l.add(rng.Float32()*200-100, rng.Float32()*200-100, rng.Float32()*200-100, 1)
	}
	b.Run("3D/go", func(b *testing.B) {
		for b.Loop() {
			x, _, _ := sum3Go(&l, 1, 2, 3, 1)
			sinkF += x
		}
	})
	b.Run("3D/platform", func(b *testing.B) {
		for b.Loop() {
			x, _, _ := sum3(&l, 1, 2, 3, 1)
			sinkF += x
		}
	})
	b.Run("2D/go", func(b *testing.B) {
		for b.Loop() {
			x, _ := sum2Go(&l, 1, 2, 1)
			sinkF += x
		}
	})
	b.Run("2D/platform", func(b *testing.B) {
		for b.Loop() {
			x, _ := sum2(&l, 1, 2, 1)
			sinkF += x
		}
	})
}
