package cpu

import (
	"fmt"
	"math"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// chunk is the number of nodes a worker takes at a time in the force phase.
const chunk = 64

// Step advances ticks ticks.
func (k *Kernel) Step(ticks int) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if k.g.RowPtr == nil {
		return kernel.ErrNoGraph
	}
	if ticks < 1 {
		return fmt.Errorf("cpu: Step: ticks=%d must be >= 1", ticks)
	}
	k.startPool()
	for ; ticks > 0; ticks-- {
		k.tick()
	}
	return nil
}

func (k *Kernel) tick() {
	k.alpha = float32(kernel.Alpha(k.p, k.ticks))
	if k.n > 0 {
		if k.p.Theta > 0 {
			k.buildTree()
			if k.ticks%reorderEvery == 0 {
				k.reorder()
			}
		}
		k.parallel(phasePack)
		k.cursor.Store(0)
		k.parallel(phaseForces)
		k.addDistanceForces()
		k.parallel(phaseIntegrate)
	}
	k.ke = 0
	if k.n > 0 {
		for _, e := range k.keParts {
			k.ke += e
		}
	}
	k.ticks++
}

func (k *Kernel) runPhase(ph phase, w int) {
	switch ph {
	case phaseBounds:
		k.boundsPart(w)
	case phaseKeys:
		k.keysPart(w)
	case phaseGather:
		k.gatherPart(w)
	case phasePack:
		k.packPart(w)
	case phaseForces:
		if k.p.Theta > 0 {
			k.forcesTree(w)
		} else {
			k.forcesExact()
		}
	case phaseIntegrate:
		k.integratePart(w)
	}
}

// addDistanceForces adds the distance-constraint springs (few, so serial).
func (k *Kernel) addDistanceForces() {
	n, d := k.n, k.p.Dims
	for _, c := range k.icons.Distances {
		a, b := int(c.A), int(c.B)
		if a == b {
			continue
		}
		s := c.Stiffness
		if s == 0 {
			s = k.p.SpringK
		}
		var r [3]float32
		var l2 float32
		for j := 0; j < d; j++ {
			r[j] = k.pos[j*n+b] - k.pos[j*n+a]
			l2 += r[j] * r[j]
		}
		l := sqrt32(l2)
		if !(l > 0) {
			continue
		}
		f := s * (l - c.Length) / l
		for j := 0; j < d; j++ {
			k.frc[j*n+a] += f * r[j]
			k.frc[j*n+b] -= f * r[j]
		}
	}
}

// integratePart clamps, scales and integrates worker w's static share,
// holds pinned nodes, and records the share's kinetic energy.
func (k *Kernel) integratePart(w int) {
	n, d := k.n, k.p.Dims
	lo, hi := k.span(w, n)
	maxF2 := float64(k.p.MaxForce) * float64(k.p.MaxForce)
	maxV2 := float64(k.p.MaxVelocity) * float64(k.p.MaxVelocity)
	alpha, dt, damp := k.alpha, k.p.DT, k.p.Damping
	var ke float64
	for i := lo; i < hi; i++ {
		if pi := k.pinOf[i]; pi >= 0 {
			pin := &k.icons.Pins[pi]
			xyz := [3]float32{pin.X, pin.Y, pin.Z}
			for c := 0; c < d; c++ {
				k.pos[c*n+i] = xyz[c]
				k.vel[c*n+i] = 0
			}
			continue
		}
		var f2 float64
		for c := 0; c < d; c++ {
			f := float64(k.frc[c*n+i])
			f2 += f * f
		}
		fs := alpha
		if f2 > maxF2 {
			if f2 <= math.MaxFloat64 {
				fs *= float32(float64(k.p.MaxForce) / math.Sqrt(f2))
			} else {
				fs = 0
			}
		} else if !(f2 <= maxF2) {
			fs = 0 // NaN
		}
		var v2 float64
		for c := 0; c < d; c++ {
			f := k.frc[c*n+i]
			if fs == 0 {
				f = 0
			}
			v := (k.vel[c*n+i] + f*fs*dt) * damp
			k.vel[c*n+i] = v
			v2 += float64(v) * float64(v)
		}
		if v2 > maxV2 {
			s := float32(float64(k.p.MaxVelocity) / math.Sqrt(v2))
			v2 = 0
			for c := 0; c < d; c++ {
				v := k.vel[c*n+i] * s
				k.vel[c*n+i] = v
				v2 += float64(v) * float64(v)
			}
		}
		for c := 0; c < d; c++ {
			k.pos[c*n+i] += k.vel[c*n+i] * dt
		}
		ke += 0.5 * v2
	}
	k.keParts[w] = ke
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
