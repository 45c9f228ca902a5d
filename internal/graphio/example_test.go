package graphio_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/protoack/protoack/internal/graphio"
)

func ExampleRead() {
	in := `{"nodes":[{"id":"ann"},{"id":"bob"},{"id":"cy"}],
	        "links":[{"source":"ann","target":"bob"},{"source":"bob","target":"ann"}]}`
	g, err := graphio.Read("-", strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", g.Stats)
	pos := []float32{0, 1, 2, 0, 0, 0} // 2D: x block, then y block
	graphio.WriteCSV(os.Stdout, g.Labels, pos, g.Nodes, 2)

	_, err = graphio.Read("-", strings.NewReader("0 1\n1 2 3 4\n"))
	fmt.Println(err)
	// Output:
	// {Nodes:3 Edges:1 SelfLoops:0 Duplicates:1 Isolated:1}
	// id,x,y,z
	// ann,0,0,0
	// bob,1,0,0
	// cy,2,0,0
	// stdin:2: want "a b [weight]", got 4 fields
}
