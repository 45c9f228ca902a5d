package graphgen

import "github.com/protoack/protoack/actors/forcecompute/kernel"

// Grid returns the w x h square lattice: node y*w+x links to its right and
// lower neighbours.
func Grid(w, h int) []kernel.Edge {
	if w <= 0 || h <= 0 {
		return nil
	}
	edges := make([]kernel.Edge, 0, 2*w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := int32(y*w + x)
			if x+1 < w {
				edges = append(edges, kernel.Edge{A: i, B: i + 1, Weight: 1})
			}
			if y+1 < h {
				edges = append(edges, kernel.Edge{A: i, B: i + int32(w), Weight: 1})
			}
		}
	}
	return edges
}
