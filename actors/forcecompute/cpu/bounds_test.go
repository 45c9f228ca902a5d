package cpu

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestBoundsAfterMoves checks the bounding box the tree is built in: after
// a tick it is exactly that of the positions the integration phase wrote,
// and after SetPositions or SetConstraints move nodes it is recomputed
// rather than taken from the last tick.
func TestBoundsAfterMoves(t *testing.T) {
	const n = 2000
	for _, dims := range []int{2, 3} {
		p := kernel.Defaults()
		p.Dims, p.Workers = dims, 3
		k, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		defer k.Close()
		if err := k.Upload(kerneltest.BAGraph(n, 2, 9)); err != nil {
			t.Fatal(err)
		}
		check := func(what string) {
			t.Helper()
			k.startPool()
			k.buildTree()
			tr := &k.tree
			var lo, hi [3]float32
			for c := 0; c < dims; c++ {
				col := k.pos[c*n : (c+1)*n]
				lo[c], hi[c] = col[0], col[0]
				for _, v := range col {
					lo[c], hi[c] = min(lo[c], v), max(hi[c], v)
				}
			}
			side := float32(0)
			for c := 0; c < dims; c++ {
				side = max(side, hi[c]-lo[c])
			}
			if tr.origin != lo || tr.scale != float32(1<<levels)/side {
				t.Fatalf("%dD, %s: tree origin %v scale %v, positions span %v to %v (scale %v)", dims, what, tr.origin, tr.scale, lo, hi, float32(1<<levels)/side)
			}
		}
		if err := k.Step(reorderEvery + 2); err != nil {
			t.Fatal(err)
		}
		if !k.boundsFresh {
			t.Fatalf("%dD: a tick left no bounds", dims)
		}
		check("after Step")
		pos := make([]float32, dims*n)
		if _, err := k.Positions(pos); err != nil {
			t.Fatal(err)
		}
		pos[dims*n-1] = 1e5
		if err := k.SetPositions(pos); err != nil {
			t.Fatal(err)
		}
		check("after SetPositions")
		if err := k.Step(3); err != nil {
			t.Fatal(err)
		}
		err = k.SetConstraints(kernel.Constraints{Pins: []kernel.Pin{{Node: 5, X: -3e5, Y: 2e5, Z: 4e5}}})
		if err != nil {
			t.Fatal(err)
		}
		check("after SetConstraints")
	}
}
