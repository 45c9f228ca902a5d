package kerneltest

import (
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/graphgen"
)

// BA returns a Barabasi-Albert style preferential-attachment graph on n
// nodes, m edges per new node, deterministic for seed: graphgen.BA, the
// generator behind the commands' -generate ba:N:M.
func BA(n, m int, seed uint64) []kernel.Edge { return graphgen.BA(n, m, seed) }

// BAGraph is BA as a CSR graph.
func BAGraph(n, m int, seed uint64) kernel.Graph {
	g, _ := kernel.FromEdges(n, BA(n, m, seed))
	return g
}
