package graphgen

import (
	"math"
	"math/rand/v2"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Random returns an Erdos-Renyi G(n, p) graph: each of the n(n-1)/2 pairs is
// an edge with probability p, independently, deterministic for seed. It
// skips over non-edges with geometric jumps (Batagelj and Brandes, 2005),
// so it takes time proportional to n plus the edges made, not to n^2.
func Random(n int, p float64, seed uint64) []kernel.Edge {
	if n < 2 || !(p > 0) {
		return nil
	}
	p = math.Min(p, 1)
	rng := rand.New(rand.NewPCG(seed, 0xE5))
	expect := p * float64(n) * float64(n-1) / 2
	edges := make([]kernel.Edge, 0, int(expect+4*math.Sqrt(expect)+16))
	lp := math.Log1p(-p) // -Inf when p == 1: every jump is 0
	// (v, w) walks the pairs w < v in row order; each step jumps over a
	// geometric number of non-edges.
	v, w := 1, -1
	for v < n {
		skip := 0
		if p < 1 {
			// Capped at n^2 (past every pair) so the conversion cannot overflow.
			skip = int(math.Min(math.Floor(math.Log1p(-rng.Float64())/lp), float64(n)*float64(n)))
		}
		w += 1 + skip
		for w >= v && v < n {
			w -= v
			v++
		}
		if v < n {
			edges = append(edges, kernel.Edge{A: int32(v), B: int32(w), Weight: 1})
		}
	}
	return edges
}
