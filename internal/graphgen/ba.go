package graphgen

import (
	"math/rand/v2"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// BA returns a Barabasi-Albert style preferential-attachment graph on n
// nodes, m edges per new node, deterministic for seed; nil unless
// n > m > 0. It follows the shape of ../shared/peers/gen_ba.py (node v >= m
// links to m distinct earlier nodes drawn with probability proportional to
// degree) but uses Go's PCG, so the graphs differ from the Python ones edge
// for edge. It has no self-loops or duplicate edges.
func BA(n, m int, seed uint64) []kernel.Edge {
	if n <= m || m <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0xBA))
	targets := make([]int32, m)
	for i := range targets {
		targets[i] = int32(i)
	}
	repeated := make([]int32, 0, 2*m*n)
	edges := make([]kernel.Edge, 0, m*(n-m))
	for v := m; v < n; v++ {
		for _, t := range targets {
			edges = append(edges, kernel.Edge{A: int32(v), B: t, Weight: 1})
		}
		repeated = append(repeated, targets...)
		for k := 0; k < m; k++ {
			repeated = append(repeated, int32(v))
		}
		targets = targets[:0]
		for len(targets) < m {
			c := repeated[rng.IntN(len(repeated))]
			if !contains(targets, c) {
				targets = append(targets, c)
			}
		}
	}
	return edges
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
