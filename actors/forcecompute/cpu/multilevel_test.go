package cpu

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestCoarsen checks a coarsening step: every node joins one cluster, each
// cluster is connected in the finer graph, the coarse graph is valid,
// symmetric, without self-loops, has an edge exactly where a finer edge
// joins two clusters, and is at most 60% of the size.
func TestCoarsen(t *testing.T) {
	for name, g := range map[string]kernel.Graph{
		"BA":         kerneltest.BAGraph(3000, 2, 5),
		"components": kerneltest.ComponentsGraph(1000, 2),
	} {
		c, parent := coarsen(&g)
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.Nodes > g.Nodes*6/10 {
			t.Errorf("%s: %d -> %d nodes", name, g.Nodes, c.Nodes)
		}
		size := make([]int, c.Nodes)
		for _, p := range parent {
			size[p]++
		}
		want := map[[2]int32]bool{}
		for u := int32(0); int(u) < g.Nodes; u++ {
			alone := true
			for e := g.RowPtr[u]; e < g.RowPtr[u+1]; e++ {
				v := g.Col[e]
				if parent[v] == parent[u] {
					alone = false
				} else {
					want[[2]int32{parent[u], parent[v]}] = true
				}
			}
			if alone && size[parent[u]] > 1 {
				t.Fatalf("%s: node %d has no neighbour in its cluster %d of %d", name, u, parent[u], size[parent[u]])
			}
		}
		got := map[[2]int32]bool{}
		for a := int32(0); int(a) < c.Nodes; a++ {
			if size[a] == 0 {
				t.Fatalf("%s: cluster %d empty", name, a)
			}
			row := c.Col[c.RowPtr[a]:c.RowPtr[a+1]]
			for _, b := range row {
				if b == a || got[[2]int32{a, b}] {
					t.Fatalf("%s: coarse edge %d-%d is a self-loop or repeated", name, a, b)
				}
				got[[2]int32{a, b}] = true
				if !slices.Contains(c.Col[c.RowPtr[b]:c.RowPtr[b+1]], a) {
					t.Fatalf("%s: coarse edge %d-%d has no reverse", name, a, b)
				}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d coarse edges, finer graph joins %d cluster pairs", name, len(got), len(want))
		}
		for e := range want {
			if !got[e] {
				t.Fatalf("%s: clusters %v joined by an edge but not in the coarse graph", name, e)
			}
		}
	}
}

// startFrom runs Defaults (with dims) from a multilevel start, or from
// kernel.InitialPositions, until kinetic energy per node falls below 0.005
// (at most 400 ticks) and returns the ticks taken and the stress.
func startFrom(t *testing.T, g kernel.Graph, dims int, multilevel bool) (int, float64) {
	t.Helper()
	p := kernel.Defaults()
	p.Dims = dims
	return settleFrom(t, g, p, multilevel)
}

// settleFrom is startFrom with parameters p.
func settleFrom(t *testing.T, g kernel.Graph, p kernel.Params, multilevel bool) (int, float64) {
	t.Helper()
	dims := p.Dims
	k, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if err := k.Upload(g); err != nil {
		t.Fatal(err)
	}
	if multilevel {
		pos := make([]float32, dims*g.Nodes)
		tick, err := MultilevelStart(p, g, pos)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.SetPositions(pos); err != nil {
			t.Fatal(err)
		}
		if err := k.SetTicks(tick); err != nil {
			t.Fatal(err)
		}
	}
	at := 0
	for tick := 1; tick <= 400 && at == 0; tick++ {
		if err := k.Step(1); err != nil {
			t.Fatal(err)
		}
		if k.KineticEnergy()/float64(g.Nodes) < 0.005 {
			at = tick
		}
	}
	pos := make([]float32, dims*g.Nodes)
	if _, err := k.Positions(pos); err != nil {
		t.Fatal(err)
	}
	st, err := kernel.Stress(&g, pos, dims, 256, 7)
	if err != nil {
		t.Fatal(err)
	}
	return at, st
}

// TestMultilevelStartSettlesSooner: in 3D, on a 6000-node BA graph, a
// multilevel start settles in at most 70% of the ticks a plain start needs
// (46 against 90) at d3-force's stress (0.125) or better.
func TestMultilevelStartSettlesSooner(t *testing.T) {
	g := kerneltest.BAGraph(6000, 2, 11)
	plain, stPlain := startFrom(t, g, 3, false)
	ml, stML := startFrom(t, g, 3, true)
	t.Logf("settled after %d ticks (stress %.3f) from a plain start, %d (%.3f) from a multilevel one", plain, stPlain, ml, stML)
	if plain == 0 || ml == 0 || float64(ml) > 0.7*float64(plain) || stML > 0.125 {
		t.Errorf("multilevel start: %d ticks, stress %.3f; plain: %d ticks; want <= 70%% of the ticks and stress <= 0.125", ml, stML, plain)
	}
}

// TestDefaultsSettleSooner: what users get by default (DefaultsFor from a
// multilevel start, as the orchestrator lays out a graph of over 1000
// nodes) settles a 6000-node BA graph in at most 35% of the ticks of the
// second pass's defaults (Cooling 0.02, AlphaMin 0.001, plain start) in 3D
// (46 against 150) and 45% in 2D (99 against 244), at d3-force's stress or
// better (0.125 in 3D, 0.184 in 2D).
func TestDefaultsSettleSooner(t *testing.T) {
	g := kerneltest.BAGraph(6000, 2, 11)
	for _, c := range []struct {
		dims          int
		share, stress float64
	}{{3, 0.35, 0.125}, {2, 0.45, 0.184}} {
		old := kernel.DefaultsFor(c.dims)
		old.RestLength, old.RepelK, old.Cooling, old.AlphaMin = 10, 100, 0.02, 0.001
		before, _ := settleFrom(t, g, old, false)
		now, st := settleFrom(t, g, kernel.DefaultsFor(c.dims), true)
		t.Logf("%dD: settled after %d ticks (stress %.3f) by default, %d with the second pass's", c.dims, now, st, before)
		if now == 0 || before == 0 || float64(now) > c.share*float64(before) || st > c.stress {
			t.Errorf("%dD: %d ticks, stress %.3f by default; %d ticks before; want <= %v of them and stress <= %v", c.dims, now, st, before, c.share, c.stress)
		}
	}
}

// TestMultilevelStart2DQuality: in 2D, 300 ticks of DefaultsFor(2) from
// a multilevel start on a 6000-node BA graph reach edge_cv 0.515 and
// stress 0.182 or better (d3-force: 0.53 / 0.184 at 10k nodes; the kernel
// reaches 0.424 / 0.179, and 0.502 / 0.180 with the 3D RestLength and
// RepelK). Starting the finer levels at alpha 0.1, as in 3D, gave 0.528 /
// 0.183 here with those and 0.82 / 0.194 at 100k nodes.
func TestMultilevelStart2DQuality(t *testing.T) {
	g := kerneltest.BAGraph(6000, 2, 11)
	p := kernel.DefaultsFor(2)
	pos := make([]float32, 2*g.Nodes)
	tick, err := MultilevelStart(p, g, pos)
	if err != nil {
		t.Fatal(err)
	}
	k, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if err := k.Upload(g); err != nil {
		t.Fatal(err)
	}
	if err := k.SetPositions(pos); err != nil {
		t.Fatal(err)
	}
	if err := k.SetTicks(tick); err != nil {
		t.Fatal(err)
	}
	pos = kerneltest.Positions(t, k, 300, g.Nodes, 2)
	cv, _ := kernel.EdgeCV(&g, pos, 2)
	st, _ := kernel.Stress(&g, pos, 2, 256, 7)
	t.Logf("2D from a multilevel start: edge_cv %.3f stress %.3f", cv, st)
	if cv > 0.515 || st > 0.182 {
		t.Errorf("edge_cv %.3f (want <= 0.515), stress %.3f (want <= 0.182)", cv, st)
	}
}

// TestMultilevelStartWorkers: the start does not depend on Workers.
func TestMultilevelStartWorkers(t *testing.T) {
	g := kerneltest.ComponentsGraph(1500, 4)
	var first []float32
	for _, w := range []int{1, 3} {
		p := kernel.Defaults()
		p.Dims, p.Workers = 2, w
		pos := make([]float32, 2*g.Nodes)
		tick, err := MultilevelStart(p, g, pos)
		if err != nil {
			t.Fatal(err)
		}
		if tick <= p.WarmupTicks || kernel.Alpha(p, tick) > refineAlpha2D || kernel.Alpha(p, tick-1) <= refineAlpha2D {
			t.Errorf("tick %d: alpha %v, before it %v; want the first tick with alpha <= %v", tick, kernel.Alpha(p, tick), kernel.Alpha(p, tick-1), refineAlpha2D)
		}
		if first == nil {
			first = pos
		} else if !slices.Equal(first, pos) {
			t.Error("positions differ between 1 and 3 workers")
		}
	}
}

func TestMultilevelStartSmallAndBad(t *testing.T) {
	p := kernel.Defaults()
	g := kerneltest.BAGraph(500, 2, 1)
	pos := make([]float32, 3*500)
	tick, err := MultilevelStart(p, g, pos)
	if err != nil || tick != 0 {
		t.Fatalf("small graph: tick %d, %v", tick, err)
	}
	want := make([]float32, 3*500)
	kernel.InitialPositions(p, 0, 500, want)
	if !slices.Equal(pos, want) {
		t.Error("a graph of at most 1000 nodes should get InitialPositions")
	}
	if _, err := MultilevelStart(p, g, pos[:10]); err == nil {
		t.Error("short dst accepted")
	}
	p.Damping = 0
	if _, err := MultilevelStart(p, g, pos); err == nil {
		t.Error("bad Params accepted")
	}
}

// TestMultilevelStartCancel: a cancelled context stops the start with its
// error.
func TestMultilevelStartCancel(t *testing.T) {
	p := kernel.Defaults()
	g := kerneltest.BAGraph(3000, 2, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := MultilevelStartContext(ctx, p, g, make([]float32, 3*3000)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled start: %v, want context.Canceled", err)
	}
}
