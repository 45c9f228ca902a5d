package graphio_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/graphgen"
	"github.com/protoack/protoack/internal/graphio"
)

// BenchmarkRead200k reads 100k nodes and 200k edges (ba:100000:2) as an
// edge list and as d3 JSON with string ids.
func BenchmarkRead200k(b *testing.B) {
	edges := graphgen.BA(100000, 2, 1)
	var el, js bytes.Buffer
	js.WriteString(`{"links":[`)
	for k, e := range edges {
		fmt.Fprintf(&el, "%d %d\n", e.A, e.B)
		if k > 0 {
			js.WriteByte(',')
		}
		fmt.Fprintf(&js, "\n{\"source\":\"n%d\",\"target\":\"n%d\"}", e.A, e.B)
	}
	js.WriteString("]}")
	for _, c := range []struct {
		name string
		read func(string) (*graphio.Graph, error)
		data string
	}{
		{"edgelist", func(s string) (*graphio.Graph, error) { return graphio.ReadEdgeList(strings.NewReader(s), "b") }, el.String()},
		{"json", func(s string) (*graphio.Graph, error) { return graphio.ReadJSON(strings.NewReader(s), "b") }, js.String()},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				g, err := c.read(c.data)
				if err != nil || g.Stats.Edges != len(edges) {
					b.Fatal(err)
				}
			}
		})
	}
}
