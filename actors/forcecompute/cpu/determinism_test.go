package cpu

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestPositionsIndependentOfWorkers checks a stronger property than the
// conformance suite's: each node's force is computed by one worker from
// data that does not depend on the split, and kinetic energy is summed per
// fixed chunk of nodes, so positions and kinetic energy are
// bit-identical for any worker count, with and without distance
// constraints.
func TestPositionsIndependentOfWorkers(t *testing.T) {
	const n = 4000
	g := kerneltest.BAGraph(n, 2, 11)
	for _, dims := range []int{2, 3} {
		for _, dist := range []bool{false, true} {
			var first []float32
			var firstKE float64
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
				if dist {
					c := kernel.Constraints{Distances: []kernel.Distance{{A: 3, B: 40, Length: 5}}}
					if err := k.SetConstraints(c); err != nil {
						t.Fatal(err)
					}
				}
				pos := kerneltest.Positions(t, k, 2*reorderEvery+3, n, dims)
				ke := k.KineticEnergy()
				k.Close()
				if first == nil {
					first, firstKE = pos, ke
					continue
				}
				for i := range pos {
					if pos[i] != first[i] {
						t.Fatalf("%dD distance %v: Workers %d differs from Workers 1 at value %d: %v vs %v", dims, dist, w, i, pos[i], first[i])
					}
				}
				if ke != firstKE {
					t.Errorf("%dD distance %v: Workers %d kinetic energy %v, Workers 1 %v", dims, dist, w, ke, firstKE)
				}
			}
		}
	}
}
