package kerneltest

import "github.com/protoack/protoack/actors/forcecompute/kernel"

// ComponentsGraph is a graph of many connected components: a BA giant of
// giant nodes (m = 2), then giant/10 separate pairs, giant/20 triangles,
// giant/40 paths of 4 to 7 nodes and giant/100 BA pieces of 20 to 39
// nodes, sizes and seeds derived from seed.
func ComponentsGraph(giant int, seed uint64) kernel.Graph {
	var edges []kernel.Edge
	n := int32(0)
	add := func(piece []kernel.Edge, size int) {
		for _, e := range piece {
			edges = append(edges, kernel.Edge{A: e.A + n, B: e.B + n, Weight: e.Weight})
		}
		n += int32(size)
	}
	add(BA(giant, 2, seed), giant)
	for i := 0; i < giant/10; i++ {
		add([]kernel.Edge{{A: 0, B: 1}}, 2)
	}
	for i := 0; i < giant/20; i++ {
		add([]kernel.Edge{{A: 0, B: 1}, {A: 1, B: 2}, {A: 0, B: 2}}, 3)
	}
	for i := 0; i < giant/40; i++ {
		l := 4 + i%4
		var p []kernel.Edge
		for j := int32(0); j+1 < int32(l); j++ {
			p = append(p, kernel.Edge{A: j, B: j + 1})
		}
		add(p, l)
	}
	for i := 0; i < giant/100; i++ {
		s := 20 + int(seed+uint64(i)*7)%20
		add(BA(s, 2, seed+uint64(i)+1), s)
	}
	g, _ := kernel.FromEdges(int(n), edges)
	return g
}
