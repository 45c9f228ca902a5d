package graphio

import (
	"strconv"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// MaxNodes bounds the node count of a graph read from text, so that a typo
// such as id 2000000000 fails with an error instead of allocating gigabytes.
const MaxNodes = 1 << 26

// Graph is a graph read from a file, ready for the kernel.
type Graph struct {
	kernel.Graph
	// Labels[i] is node i's id in the input, written back by the position
	// writers. Nil means node i is named by its index (edge lists).
	Labels []string
	Stats  Stats
}

// Stats counts what a reader kept and dropped.
type Stats struct {
	Nodes      int // nodes kept, isolated ones included
	Edges      int // undirected edges kept
	SelfLoops  int // edges a-a dropped
	Duplicates int // repeats of an edge dropped (b-a repeats a-b); the first one's weight is kept
	Isolated   int // nodes without an edge (kept)
}

// Label returns node i's id as written in the input.
func (g *Graph) Label(i int) string {
	if g.Labels == nil {
		return strconv.Itoa(i)
	}
	return g.Labels[i]
}

// Build makes a graph on nodes 0..n-1 from edges given in any order: it
// drops self-loops and duplicate edges (a-b and b-a are the same edge; the
// first one listed keeps its weight) and counts both in Stats. Weights of
// 0 are read as 1, as kernel.FromEdges does.
func Build(n int, edges []kernel.Edge) (kernel.Graph, Stats, error) {
	var st Stats
	for _, e := range edges {
		if e.A == e.B {
			st.SelfLoops++
		}
	}
	g, err := kernel.FromEdges(n, edges)
	if err != nil {
		return kernel.Graph{}, Stats{}, err
	}
	st.Duplicates = dedupe(&g)
	st.Nodes = n
	st.Edges = len(g.Col) / 2
	for i := 0; i < n; i++ {
		if g.RowPtr[i+1] == g.RowPtr[i] {
			st.Isolated++
		}
	}
	return g, st, nil
}

// dedupe removes repeated neighbours from each CSR row in place, keeping the
// first, and returns the number of undirected edges removed. FromEdges fills
// rows in edge order, so rows a and b keep the same edge's weight.
func dedupe(g *kernel.Graph) int {
	mark := make([]int32, g.Nodes)
	for i := range mark {
		mark[i] = -1
	}
	out := int32(0)
	start := int32(0)
	for i := 0; i < g.Nodes; i++ {
		end := g.RowPtr[i+1]
		for k := start; k < end; k++ {
			j := g.Col[k]
			if mark[j] == int32(i) {
				continue
			}
			mark[j] = int32(i)
			g.Col[out], g.Weight[out] = j, g.Weight[k]
			out++
		}
		start = end
		g.RowPtr[i+1] = out
	}
	removed := len(g.Col) - int(out)
	g.Col, g.Weight = g.Col[:out:out], g.Weight[:out:out]
	return removed / 2
}
