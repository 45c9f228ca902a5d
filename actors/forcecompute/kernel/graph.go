package kernel

import "fmt"

// Graph is an undirected graph in compressed sparse row (CSR) form.
// Neighbours of node i are Col[RowPtr[i]:RowPtr[i+1]], with weights
// Weight[RowPtr[i]:RowPtr[i+1]] (nil Weight means every weight is 1).
// Each undirected edge should appear in both rows; FromEdges builds that.
type Graph struct {
	Nodes  int
	RowPtr []int32 // len Nodes+1, non-decreasing, RowPtr[0] == 0
	Col    []int32 // len RowPtr[Nodes]
	Weight []float32
}

// Validate reports the first structural problem in g, naming the field.
func (g *Graph) Validate() error {
	if g.Nodes < 0 {
		return fmt.Errorf("kernel: graph: Nodes=%d is negative", g.Nodes)
	}
	if len(g.RowPtr) != g.Nodes+1 {
		return fmt.Errorf("kernel: graph: len(RowPtr)=%d, want Nodes+1=%d", len(g.RowPtr), g.Nodes+1)
	}
	if g.RowPtr[0] != 0 {
		return fmt.Errorf("kernel: graph: RowPtr[0]=%d, want 0", g.RowPtr[0])
	}
	for i := 0; i < g.Nodes; i++ {
		if g.RowPtr[i+1] < g.RowPtr[i] {
			return fmt.Errorf("kernel: graph: RowPtr[%d]=%d < RowPtr[%d]=%d", i+1, g.RowPtr[i+1], i, g.RowPtr[i])
		}
	}
	nnz := int(g.RowPtr[g.Nodes])
	if len(g.Col) != nnz {
		return fmt.Errorf("kernel: graph: len(Col)=%d, want RowPtr[Nodes]=%d", len(g.Col), nnz)
	}
	if g.Weight != nil && len(g.Weight) != nnz {
		return fmt.Errorf("kernel: graph: len(Weight)=%d, want %d or nil", len(g.Weight), nnz)
	}
	for k, c := range g.Col {
		if c < 0 || int(c) >= g.Nodes {
			return fmt.Errorf("kernel: graph: Col[%d]=%d out of range [0,%d)", k, c, g.Nodes)
		}
	}
	for k, w := range g.Weight {
		if !(w >= 0) || w > 1e30 {
			return fmt.Errorf("kernel: graph: Weight[%d]=%v must be finite and >= 0", k, w)
		}
	}
	return nil
}

// Edge is one undirected edge with a weight (0 is read as 1 by FromEdges).
type Edge struct {
	A, B   int32
	Weight float32
}

// FromEdges builds a symmetric CSR graph over nodes 0..n-1. Self-loops are
// dropped; duplicate edges are kept (their springs add up).
func FromEdges(n int, edges []Edge) (Graph, error) {
	if n < 0 {
		return Graph{}, fmt.Errorf("kernel: FromEdges: n=%d is negative", n)
	}
	deg := make([]int32, n+1)
	for k, e := range edges {
		if e.A < 0 || int(e.A) >= n || e.B < 0 || int(e.B) >= n {
			return Graph{}, fmt.Errorf("kernel: FromEdges: edge %d (%d,%d) out of range [0,%d)", k, e.A, e.B, n)
		}
		if e.A == e.B {
			continue
		}
		deg[e.A+1]++
		deg[e.B+1]++
	}
	for i := 0; i < n; i++ {
		deg[i+1] += deg[i]
	}
	g := Graph{Nodes: n, RowPtr: deg, Col: make([]int32, deg[n]), Weight: make([]float32, deg[n])}
	fill := make([]int32, n)
	copy(fill, deg[:n])
	for _, e := range edges {
		if e.A == e.B {
			continue
		}
		w := e.Weight
		if w == 0 {
			w = 1
		}
		g.Col[fill[e.A]], g.Weight[fill[e.A]] = e.B, w
		fill[e.A]++
		g.Col[fill[e.B]], g.Weight[fill[e.B]] = e.A, w
		fill[e.B]++
	}
	return g, nil
}
