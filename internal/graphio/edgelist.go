package graphio

import (
	"fmt"
	"io"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// ReadEdgeList reads an edge list (see the package doc) from r, naming it
// name in errors. Ids must lie in [0, MaxNodes).
func ReadEdgeList(r io.Reader, name string) (*Graph, error) {
	n, edges, err := kernel.ParseEdgeList(r, name, MaxNodes-1)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: empty graph: no edges", name)
	}
	g, st, err := Build(n, edges)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Graph{Graph: g, Stats: st}, nil
}
