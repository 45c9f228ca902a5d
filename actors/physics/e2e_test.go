package physics_test

import (
	"math"
	"slices"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
)

// settleAlone runs the kernel by itself with the orchestrator's rule:
// one tick at a time until the kinetic energy per node stays below
// energy for calm ticks, from cpu.MultilevelStart unless plain. It returns
// the tick count, the tick it started at and the positions.
func settleAlone(t *testing.T, g kernel.Graph, p kernel.Params, energy float64, calm int, plain bool) (int, int, []float32) {
	t.Helper()
	k, err := cpu.New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if err := k.Upload(g); err != nil {
		t.Fatal(err)
	}
	start := 0
	if !plain {
		pos := make([]float32, p.Dims*g.Nodes)
		if start, err = cpu.MultilevelStart(p, g, pos); err != nil {
			t.Fatal(err)
		}
		if err := k.SetPositions(pos); err != nil {
			t.Fatal(err)
		}
		if err := k.SetTicks(start); err != nil {
			t.Fatal(err)
		}
	}
	quiet := 0
	for quiet < calm {
		if err := k.Step(1); err != nil {
			t.Fatal(err)
		}
		if k.KineticEnergy()/float64(g.Nodes) < energy {
			quiet++
		} else {
			quiet = 0
		}
		if k.Ticks() > 10000 {
			t.Fatal("kernel alone did not settle in 10000 ticks")
		}
	}
	pos := make([]float32, p.Dims*g.Nodes)
	if _, err := k.Positions(pos); err != nil {
		t.Fatal(err)
	}
	return k.Ticks(), start, pos
}

// TestEndToEndMatchesKernel lays out a 5k-node BA graph through both
// actors, from the default multilevel start and from the plain one, and
// requires the tick count and quality of the kernel alone from the same
// start.
func TestEndToEndMatchesKernel(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 1500
	}
	g := kerneltest.BAGraph(n, 2, 11)
	p := params()
	for _, plain := range []bool{false, true} {
		ticks, start, alone := settleAlone(t, g, p, 1e-4, 10, plain)
		if !plain && start == 0 {
			t.Fatalf("%d nodes: no multilevel start", n)
		}
		wantStress, err := kernel.Stress(&g, alone, p.Dims, 30, 1)
		if err != nil {
			t.Fatal(err)
		}

		w := newWorld(t, nil)
		w.start(physics.Config{Backend: "cpu", Params: p, Graph: g, Settle: true, EnergyPerNode: 1e-4, CalmTicks: 10, PlainStart: plain})
		w.until(physics.EventEquilibrium, nil)
		st := w.stats()
		if st.Iteration != uint64(ticks) || st.Steps != uint64(ticks-start) || st.Skew != 0 || st.Recoveries != 0 {
			t.Errorf("plain start %v: orchestrated: iteration %d, steps %d, skew %d, recoveries %d; kernel alone settled at %d from %d",
				plain, st.Iteration, st.Steps, st.Skew, st.Recoveries, ticks, start)
		}
		f := w.positions(w.pid)
		got := layoutCheck(t, g, f, p)
		if math.Abs(got-wantStress) > 0.05*wantStress {
			t.Errorf("plain start %v: stress %.4g, kernel alone %.4g: not within 5%%", plain, got, wantStress)
		}
		pos, _ := protocol.Unpack(nil, f.Positions)
		t.Logf("plain start %v: %d nodes settled at tick %d from %d; stress %.4g (alone %.4g); identical positions: %v",
			plain, n, ticks, start, got, wantStress, slices.Equal(pos, alone))
		w.reconcile()
	}
}

// TestDragDuringStart: a drag sent right after the spawn, while the
// multilevel start is being computed, is applied after it: the layout
// settles from the start (its tick) with the node pinned where it was
// dragged.
func TestDragDuringStart(t *testing.T) {
	g := kerneltest.BAGraph(4000, 2, 13)
	w := newWorld(t, nil)
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true})
	w.sys.Root.Send(w.pid, &protocol.UpdateNodePositions{Nodes: []*protocol.NodePosition{{Node: 5, X: 900, Y: -900, Z: 900, Pin: true}}})
	w.until(physics.EventEquilibrium, nil)
	st := w.stats()
	pos, _ := protocol.Unpack(nil, w.positions(st.ForceCompute).Positions)
	n := g.Nodes
	if st.StartTick == 0 || pos[5] != 900 || pos[n+5] != -900 || pos[2*n+5] != 900 {
		t.Errorf("start tick %d; node 5 at (%v,%v,%v), want a multilevel start and (900,-900,900)", st.StartTick, pos[5], pos[n+5], pos[2*n+5])
	}
	w.reconcile()
}
