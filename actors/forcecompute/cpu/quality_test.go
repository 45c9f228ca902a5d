package cpu

import (
	"math/rand/v2"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestLayoutQuality runs DefaultsFor on a preferential-attachment graph and
// requires edge CV and stress no worse than d3-force's on the 10k
// reference graph (3D: 0.44 and 0.125; 2D: 0.53 and 0.184, from
// ../shared/peers/README.md and docs/performance.md). The kernel reaches
// about 0.31/0.119 and 0.48/0.177 here, with or without the assembly sums.
func TestLayoutQuality(t *testing.T) {
	const n, ticks = 3000, 300
	g := kerneltest.BAGraph(n, 2, 42)
	for _, c := range []struct {
		dims           int
		edgeCV, stress float64
	}{{3, 0.44, 0.125}, {2, 0.53, 0.184}} {
		p := kernel.DefaultsFor(c.dims)
		k, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Upload(g); err != nil {
			t.Fatal(err)
		}
		pos := kerneltest.Positions(t, k, ticks, n, c.dims)
		k.Close()
		cv, err := kernel.EdgeCV(&g, pos, c.dims)
		if err != nil {
			t.Fatal(err)
		}
		st, err := kernel.Stress(&g, pos, c.dims, 256, 7)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%dD BA %d after %d ticks: edge_cv %.3f stress %.3f", c.dims, n, ticks, cv, st)
		if cv > c.edgeCV || st > c.stress {
			t.Errorf("%dD: edge_cv %.3f (want <= %v), stress %.3f (want <= %v)", c.dims, cv, c.edgeCV, st, c.stress)
		}
	}
}

// TestLayoutQuality2DDense lays out a dense block graph (8 blocks of 100
// nodes, edges with probability 0.35 within a block and 0.006 across,
// like gen_more.py's dense graph) in 2D with DefaultsFor(2) and with the
// 3D values: the 2D defaults give edges of far more even length
// (docs/performance.md: 0.58 against 1.07 on the 2,400-node graph) and
// no more stress.
func TestLayoutQuality2DDense(t *testing.T) {
	const blocks, size, ticks = 8, 100, 300
	n := blocks * size
	r := rand.New(rand.NewPCG(7, 1))
	var edges []kernel.Edge
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			p := 0.006
			if a/size == b/size {
				p = 0.35
			}
			if r.Float64() < p {
				edges = append(edges, kernel.Edge{A: int32(a), B: int32(b)})
			}
		}
	}
	g, err := kernel.FromEdges(n, edges)
	if err != nil {
		t.Fatal(err)
	}
	three := kernel.Defaults()
	three.Dims = 2
	var cv, st [2]float64
	for i, p := range []kernel.Params{kernel.DefaultsFor(2), three} {
		k, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Upload(g); err != nil {
			t.Fatal(err)
		}
		pos := kerneltest.Positions(t, k, ticks, n, 2)
		k.Close()
		if cv[i], err = kernel.EdgeCV(&g, pos, 2); err != nil {
			t.Fatal(err)
		}
		if st[i], err = kernel.Stress(&g, pos, 2, 256, 7); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("dense blocks, %d nodes, %d edges: DefaultsFor(2) edge_cv %.3f stress %.4f; 3D values %.3f / %.4f", n, len(edges), cv[0], st[0], cv[1], st[1])
	if cv[0] > 0.75*cv[1] || st[0] > st[1] {
		t.Errorf("DefaultsFor(2): edge_cv %.3f, stress %.4f; want edge_cv at most 0.75 of the 3D values' %.3f and stress at most their %.4f", cv[0], st[0], cv[1], st[1])
	}
}
