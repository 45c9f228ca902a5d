package cpu

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestLayoutQuality runs Defaults on a preferential-attachment graph and
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
		p := kernel.Defaults()
		p.Dims = c.dims
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
