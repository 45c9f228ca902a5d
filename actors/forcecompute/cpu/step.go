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

// tick advances one tick. Its phases: bounds (unless the last tick's
// integration recorded them), keys (with the sort's first count), the
// sort's other passes, the tree build (with the gather and the pack, and
// then, every reorderEvery ticks, the renumbering), forces, integration.
func (k *Kernel) tick() {
	k.alpha = float32(kernel.Alpha(k.p, k.ticks))
	k.ke = 0
	if k.n > 0 {
		reorder := k.p.Theta > 0 && k.ticks%reorderEvery == 0
		k.packInBuild = k.p.Theta > 0 && !reorder
		if k.p.Theta > 0 {
			k.buildTree()
		}
		if reorder {
			k.reorder()
		}
		if !k.packInBuild {
			k.parallel(phasePack, chunks(k.n, nodeChunk))
		}
		if k.p.Theta > 0 {
			k.parallel(phaseForces, len(k.tree.groups))
		} else {
			k.parallel(phaseForces, chunks(k.n, chunk))
		}
		k.addDistanceForces()
		k.emptyBounds()
		ic := chunks(k.n, integrateNodes)
		k.parallel(phaseIntegrate, ic)
		k.boundsFresh = true
		for _, e := range k.keParts[:ic] {
			k.ke += e
		}
	}
	k.ticks++
}

// runChunk runs chunk c of phase ph as worker w.
func (k *Kernel) runChunk(ph phase, c, w int) {
	switch ph {
	case phaseBounds:
		k.boundsChunk(c, w)
	case phaseKeys:
		k.keysChunk(c)
	case phaseCount:
		k.countChunk(c)
	case phaseScatter:
		k.scatterChunk(c)
	case phaseBuild:
		k.buildChunk(c)
	case phasePack:
		k.packChunk(c)
	case phaseForces:
		if k.p.Theta > 0 {
			k.forcesGroup(c, w)
		} else {
			k.forcesExact(c)
		}
	case phaseIntegrate:
		k.integrateChunk(c, w)
	case phasePermuteNodes:
		k.permuteNodesChunk(c)
	case phasePermuteEdges:
		k.permuteEdgesChunk(c)
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

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
