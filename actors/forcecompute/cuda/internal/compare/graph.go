package compare

import (
	"math/rand/v2"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Graph returns a random graph on n nodes, deterministic for seed: each node
// v > 0 links to two earlier nodes, half the time uniformly and half the time
// an end of an earlier edge (so degrees follow preferential attachment), with
// weights in [0.5, 2). About 1% of nodes add no edges of their own, and the
// first edge is repeated once, so isolated nodes and duplicate edges occur.
func Graph(n int, seed uint64) kernel.Graph {
	g, _ := kernel.FromEdges(n, Edges(n, seed)) // every index is in range
	return g
}

// Edges returns Graph's edges, for a caller that adds its own.
func Edges(n int, seed uint64) []kernel.Edge {
	rng := rand.New(rand.NewPCG(seed, 0xC0DA))
	edges := make([]kernel.Edge, 0, 2*n)
	for v := 1; v < n; v++ {
		if rng.IntN(100) == 0 {
			continue
		}
		for e := 0; e < 2; e++ {
			u := int32(rng.IntN(v))
			if len(edges) > 0 && rng.IntN(2) == 0 {
				x := edges[rng.IntN(len(edges))]
				u = x.A
				if rng.IntN(2) == 0 {
					u = x.B
				}
			}
			edges = append(edges, kernel.Edge{A: int32(v), B: u, Weight: 0.5 + 1.5*rng.Float32()})
		}
	}
	if len(edges) > 0 {
		edges = append(edges, edges[0])
	}
	return edges
}

// Constraints returns a few pins and distance constraints on n >= 8 nodes,
// deterministic for seed, including a node pinned twice (the later wins).
func Constraints(n int, seed uint64) kernel.Constraints {
	rng := rand.New(rand.NewPCG(seed, 0xC057))
	node := func() int32 { return int32(rng.IntN(n)) }
	c := kernel.Constraints{
		Pins: []kernel.Pin{
			{Node: 0, X: 1, Y: 2, Z: 3},
			{Node: node(), X: -5, Y: 5, Z: 0},
			{Node: 0, X: 0, Y: 0, Z: 0},
		},
	}
	for i := 0; i < 4; i++ {
		c.Distances = append(c.Distances, kernel.Distance{A: node(), B: node(), Length: 5 + 10*rng.Float32(), Stiffness: float32(i % 2)})
	}
	return c
}
