package graphgen_test

import (
	"fmt"

	"github.com/protoack/protoack/internal/graphgen"
)

func ExampleParse() {
	s, err := graphgen.Parse("grid:3:2")
	if err != nil {
		fmt.Println(err)
		return
	}
	g, _ := s.Generate(1)
	fmt.Println(s, g.Nodes, g.Stats.Edges)
	_, err = graphgen.Parse("foo:1")
	fmt.Println(err)
	// Output:
	// grid:3:2 6 7
	// -generate foo:1: unknown generator "foo" (want ba:N:M, grid:W:H or random:N:P)
}
