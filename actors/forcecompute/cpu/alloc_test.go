package cpu

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestStepDoesNotAllocate checks that steady-state ticks allocate nothing,
// with Barnes-Hut and exact repulsion, constraints and several workers.
func TestStepDoesNotAllocate(t *testing.T) {
	g := kerneltest.BAGraph(2000, 2, 3)
	for _, c := range []struct {
		name  string
		dims  int
		theta float32
	}{{"3D", 3, 0.9}, {"2D", 2, 0.9}, {"3D/exact", 3, 0}} {
		t.Run(c.name, func(t *testing.T) {
			p := kernel.Defaults()
			p.Dims, p.Theta, p.Workers = c.dims, c.theta, 3
			k, err := New(p)
			if err != nil {
				t.Fatal(err)
			}
			defer k.Close()
			if err := k.Upload(g); err != nil {
				t.Fatal(err)
			}
			err = k.SetConstraints(kernel.Constraints{
				Pins:      []kernel.Pin{{Node: 1, X: 1}},
				Distances: []kernel.Distance{{A: 2, B: 3, Length: 4}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := k.Step(20); err != nil { // lists reach their steady size
				t.Fatal(err)
			}
			if a := testing.AllocsPerRun(10, func() { k.Step(1) }); a != 0 {
				t.Errorf("Step(1) allocates %v times per call, want 0", a)
			}
		})
	}
}
