package quality_test

import (
	"fmt"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/quality"
)

func ExampleMeasure() {
	// A path 0-1-2 laid out straight and evenly: perfect on both measures.
	g, _ := kernel.FromEdges(3, []kernel.Edge{{A: 0, B: 1}, {A: 1, B: 2}})
	pos := []float32{0, 5, 10, 0, 0, 0} // 2D: x block, y block
	r, _ := quality.Measure(&g, pos, 2, quality.DefaultPivots, quality.DefaultSeed)
	fmt.Printf("edges %d, edge_cv %.3f, stress %.3f, pivots %d\n", r.Edges, *r.EdgeCV, *r.Stress, r.Pivots)
	// Output: edges 2, edge_cv 0.000, stress 0.000, pivots 3
}
