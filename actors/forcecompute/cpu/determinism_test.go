package cpu

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestPositionsIndependentOfWorkers checks a stronger property than the
// conformance suite's: each node's force is computed by one worker from
// data that does not depend on the split, so positions are bit-identical
// for any worker count (only the kinetic energy's summation order differs).
func TestPositionsIndependentOfWorkers(t *testing.T) {
	const n = 4000
	g := kerneltest.BAGraph(n, 2, 11)
	for _, dims := range []int{2, 3} {
		var first []float32
		for _, w := range []int{1, 2, 5} {
			p := kernel.Defaults()
			p.Dims, p.Workers = dims, w
			k, err := New(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := k.Upload(g); err != nil {
				t.Fatal(err)
			}
			pos := kerneltest.Positions(t, k, 2*reorderEvery+3, n, dims)
			k.Close()
			if first == nil {
				first = pos
				continue
			}
			for i := range pos {
				if pos[i] != first[i] {
					t.Fatalf("%dD: Workers %d differs from Workers 1 at value %d: %v vs %v", dims, w, i, pos[i], first[i])
				}
			}
		}
	}
}
