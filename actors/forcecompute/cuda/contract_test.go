//go:build cuda

package cuda

import (
	"errors"
	"math"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/cuda/internal/compare"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// contract drives k and a CPU kernel through the same script of calls (the
// kernel.Kernel contract: errors before Upload, constraints, re-uploads that
// keep positions, a change of Dims, Close) and requires the same results
// after each step. Theta is 0, so the two agree to rounding.
func contract(t *testing.T, k *Kernel) {
	p := kernel.Defaults()
	p.Theta = 0
	if err := k.SetParams(p); err != nil {
		t.Fatal(err)
	}
	ref, err := cpu.New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	both := func(what string, f func(kernel.Kernel) error) {
		t.Helper()
		if e1, e2 := f(ref), f(k); e1 != nil || e2 != nil {
			t.Fatalf("%s: cpu %v, cuda %v", what, e1, e2)
		}
	}
	nodes := 0 // of the graph uploaded last
	same := func(what string) {
		t.Helper()
		if ref.Ticks() != k.Ticks() {
			t.Fatalf("%s: Ticks cpu %d, cuda %d", what, ref.Ticks(), k.Ticks())
		}
		if d := compare.RelDiff(ref.KineticEnergy(), k.KineticEnergy()); d > 1e-4 {
			t.Fatalf("%s: kinetic energy cpu %g, cuda %g", what, ref.KineticEnergy(), k.KineticEnergy())
		}
		n := p.Dims * nodes
		a, b := make([]float32, n), make([]float32, n)
		if _, err := ref.Positions(a); err != nil {
			t.Fatal(err)
		}
		if m, err := k.Positions(b); err != nil || m != n {
			t.Fatalf("%s: Positions = %d, %v; want %d", what, m, err, n)
		}
		var diff, norm float64
		for i := range a {
			diff += math.Pow(float64(a[i])-float64(b[i]), 2)
			norm += math.Pow(float64(a[i]), 2)
		}
		if diff > 1e-10*norm {
			t.Fatalf("%s: positions differ, relative %g", what, math.Sqrt(diff/norm))
		}
	}

	for _, f := range []func(kernel.Kernel) error{
		func(k kernel.Kernel) error { return k.Step(1) },
		func(k kernel.Kernel) error { _, err := k.Positions(make([]float32, 3)); return err },
		func(k kernel.Kernel) error {
			return k.SetConstraints(kernel.Constraints{Pins: []kernel.Pin{{Node: 0}}})
		},
	} {
		if err := f(k); !errors.Is(err, kernel.ErrNoGraph) {
			t.Fatalf("before Upload: %v, want ErrNoGraph", err)
		}
	}

	g := compare.Graph(500, 3)
	c := compare.Constraints(500, 3)
	both("Upload", func(k kernel.Kernel) error { return k.Upload(g) })
	nodes = g.Nodes
	both("SetConstraints", func(k kernel.Kernel) error { return k.SetConstraints(c) })
	same("after SetConstraints")
	both("Step", func(k kernel.Kernel) error { return k.Step(5) })
	same("after 5 ticks")

	big := compare.Graph(800, 4)
	both("Upload bigger", func(k kernel.Kernel) error { return k.Upload(big) })
	nodes = big.Nodes
	same("after growing")
	both("Step", func(k kernel.Kernel) error { return k.Step(3) })
	same("3 ticks after growing")

	moved := make([]float32, p.Dims*big.Nodes)
	kernel.InitialPositions(kernel.Params{Dims: p.Dims, RestLength: 20, Seed: 5}, 0, big.Nodes, moved)
	both("SetPositions", func(k kernel.Kernel) error { return k.SetPositions(moved) })
	both("SetTicks", func(k kernel.Kernel) error { return k.SetTicks(40) })
	same("after SetPositions and SetTicks")
	both("Step", func(k kernel.Kernel) error { return k.Step(3) })
	same("3 ticks after SetPositions")

	small := compare.Graph(300, 5)
	both("Upload smaller", func(k kernel.Kernel) error { return k.Upload(small) })
	nodes = small.Nodes
	both("Step", func(k kernel.Kernel) error { return k.Step(3) })
	same("3 ticks after shrinking")

	p.Dims = 2
	both("SetParams 2D", func(k kernel.Kernel) error { return k.SetParams(p) })
	same("after 2D")
	both("Step", func(k kernel.Kernel) error { return k.Step(4) })
	same("4 ticks in 2D")

	bad := p
	bad.MaxForce = -1
	if err := k.SetParams(bad); !isParam(err, "MaxForce") {
		t.Fatalf("SetParams MaxForce=-1: %v", err)
	}
	if _, err := k.Positions(make([]float32, 5)); err == nil {
		t.Fatal("Positions into a short slice succeeded")
	}
	if err := k.SetConstraints(kernel.Constraints{Pins: []kernel.Pin{{Node: 300}}}); err == nil || errors.Is(err, kernel.ErrNoGraph) {
		t.Fatalf("pin of node 300 of 300: %v, want a range error", err)
	}
	if err := k.Step(0); err == nil {
		t.Fatal("Step(0) succeeded")
	}

	// A snapshot taken before a tick still holds the older positions.
	before := make([]float32, 2*300)
	if _, err := k.Positions(before); err != nil {
		t.Fatal(err)
	}
	if err := k.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if err := k.Step(1); err != nil {
		t.Fatal(err)
	}
	snap := make([]float32, len(before))
	if _, err := k.Collect(snap); err != nil {
		t.Fatal(err)
	}
	for i := range snap {
		if snap[i] != before[i] {
			t.Fatalf("snapshot[%d] = %v, want %v (taken before the tick)", i, snap[i], before[i])
		}
	}

	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); !errors.Is(err, kernel.ErrClosed) {
		t.Fatalf("second Close: %v, want ErrClosed", err)
	}
	if err := k.Step(1); !errors.Is(err, kernel.ErrClosed) {
		t.Fatalf("Step after Close: %v, want ErrClosed", err)
	}
}

func isParam(err error, name string) bool {
	var pe *kernel.ParamError
	return errors.As(err, &pe) && pe.Name == name
}

func TestContractOnHost(t *testing.T) {
	contract(t, newHostKernel(kernel.Defaults()))
}

func TestGPUContract(t *testing.T) {
	contract(t, newGPU(t, kernel.Defaults()))
}
