package graphio_test

import (
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/graphio"
)

// checkRead fails unless a reader either errs naming its input or returns
// a valid graph without self-loops or duplicate edges whose stats add up.
func checkRead(t *testing.T, g *graphio.Graph, err error, name string) {
	if err != nil {
		if !strings.HasPrefix(err.Error(), name+":") {
			t.Fatalf("error %q does not start with %q", err, name+":")
		}
		return
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.Nodes == 0 || g.Nodes > graphio.MaxNodes || g.Stats.Nodes != g.Nodes || 2*g.Stats.Edges != len(g.Col) {
		t.Fatalf("nodes %d, stats %+v, %d CSR entries", g.Nodes, g.Stats, len(g.Col))
	}
	if g.Labels != nil && len(g.Labels) != g.Nodes {
		t.Fatalf("%d labels for %d nodes", len(g.Labels), g.Nodes)
	}
	isolated := 0
	seen := make([]int32, g.Nodes) // seen[j] == i+1: j is a neighbour of i
	for i := 0; i < g.Nodes; i++ {
		for k := g.RowPtr[i]; k < g.RowPtr[i+1]; k++ {
			if j := g.Col[k]; j == int32(i) || seen[j] == int32(i+1) {
				t.Fatalf("node %d: self-loop or duplicate neighbour %d", i, j)
			}
			seen[g.Col[k]] = int32(i + 1)
		}
		if g.RowPtr[i+1] == g.RowPtr[i] {
			isolated++
		}
	}
	if isolated != g.Stats.Isolated {
		t.Fatalf("%d isolated nodes, stats say %d", isolated, g.Stats.Isolated)
	}
}

// The seed corpora are in testdata/fuzz; these add the test tables' shapes.
func FuzzReadEdgeList(f *testing.F) {
	for _, s := range []string{"0 1\n1 2\n", "# c\n0,1,0.5\n1\t1\n1 0\n", "0 67108864\n", "0 1 2 3\n", "\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		g, err := graphio.ReadEdgeList(strings.NewReader(in), "f")
		checkRead(t, g, err, "f")
	})
}

func FuzzReadJSON(f *testing.F) {
	for _, s := range []string{
		`{"nodes":[{"id":"a"},{"id":1}],"links":[{"source":"a","target":"1","weight":2}]}`,
		`{"links":[{"source":{"id":"x"},"target":"y"}]}`,
		`{"nodes":[{},{}],"edges":[{"source":0,"target":1}],"x":[1,{"a":null}]}`,
		`{"nodes":[{"id":"a"},{"id":"a"}]}`, `[]`, `{`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		g, err := graphio.ReadJSON(strings.NewReader(in), "f")
		checkRead(t, g, err, "f")
	})
}
