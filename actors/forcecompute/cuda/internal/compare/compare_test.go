package compare

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Two CPU kernels with different worker counts agree exactly on the exact
// path, and a changed parameter shows up as a large error.
func TestFirstTick(t *testing.T) {
	g := Graph(300, 1)
	c := Constraints(300, 1)
	p := kernel.Defaults()
	p.Theta = 0
	p.Workers = 1
	a, err := cpu.New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p.Workers = 2
	b, err := cpu.New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	e, err := FirstTick(a, b, g, c, p.Dims)
	if err != nil {
		t.Fatal(err)
	}
	if e != 0 {
		t.Errorf("workers 1 vs 2: relative error %g, want 0", e)
	}

	p.RepelK *= 1.5
	if err := b.SetParams(p); err != nil {
		t.Fatal(err)
	}
	e, err = FirstTick(a, b, g, c, p.Dims)
	if err != nil {
		t.Fatal(err)
	}
	if e < 1e-2 {
		t.Errorf("RepelK x1.5: relative error %g, want >= 1e-2", e)
	}
}

func TestGraph(t *testing.T) {
	g := Graph(1000, 7)
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	isolated := 0
	for i := 0; i < g.Nodes; i++ {
		if g.RowPtr[i+1] == g.RowPtr[i] {
			isolated++
		}
	}
	if g.RowPtr[g.Nodes] < 3000 || isolated == 0 {
		t.Errorf("edges (both directions) %d, isolated %d: want >= 3000 and > 0", g.RowPtr[g.Nodes], isolated)
	}
	h := Graph(1000, 7)
	for k := range g.Col {
		if g.Col[k] != h.Col[k] || g.Weight[k] != h.Weight[k] {
			t.Fatal("Graph is not deterministic for a seed")
		}
	}
}

func TestRelDiff(t *testing.T) {
	for _, tc := range []struct{ a, b, want float64 }{{0, 0, 0}, {1, 1, 0}, {2, 1, 0.5}, {-1, 1, 2}} {
		if got := RelDiff(tc.a, tc.b); got != tc.want {
			t.Errorf("RelDiff(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
