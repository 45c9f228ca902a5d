package kernel_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

func TestReadEdgeList(t *testing.T) {
	in := "# comment\n0 1\n\n1,2, 0.5\n3\t1\n% other comment\n"
	g, err := kernel.ReadEdgeList(strings.NewReader(in), "g.edges")
	if err != nil {
		t.Fatal(err)
	}
	if g.Nodes != 4 || len(g.Col) != 6 {
		t.Fatalf("Nodes %d, entries %d; want 4, 6", g.Nodes, len(g.Col))
	}
	for k := g.RowPtr[2]; k < g.RowPtr[3]; k++ {
		if g.Col[k] == 1 && g.Weight[k] != 0.5 {
			t.Errorf("weight of 2-1 = %v, want 0.5", g.Weight[k])
		}
	}
}

func TestReadEdgeListErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0 1\n1\n", "g.edges:2: "},
		{"0 1\n\n0 x\n", "g.edges:3: node id \"x\""},
		{"-1 2\n", "g.edges:1: node id \"-1\""},
		{"0 1 2 3\n", "g.edges:1: want"},
		{"0 1 nan\n", "g.edges:1: weight \"nan\""},
		{"0 1 -2\n", "g.edges:1: weight"},
		{"0 99999999999\n", "g.edges:1: node id"},
	} {
		_, err := kernel.ReadEdgeList(strings.NewReader(c.in), "g.edges")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want prefix %q", c.in, err, c.want)
		}
	}
}

func ExampleReadEdgeList() {
	g, err := kernel.ReadEdgeList(strings.NewReader("0 1\n1 2\n"), "path.edges")
	if err != nil {
		fmt.Println(err)
		return
	}
	pos := []float32{0, 1, 2, 0, 0, 0} // 2D: x block then y block
	cv, _ := kernel.EdgeCV(&g, pos, 2)
	fmt.Println(g.Nodes, cv)
	_, err = kernel.ReadEdgeList(strings.NewReader("0 1\n1 b\n"), "bad.edges")
	fmt.Println(err)
	// Output:
	// 3 0
	// bad.edges:2: node id "b" is not an integer in [0, 2147483646]
}

func TestParseEdgeList(t *testing.T) {
	n, edges, err := kernel.ParseEdgeList(strings.NewReader("0 0\n0 1 2\n1 0\n"), "g", 10)
	if err != nil || n != 2 || len(edges) != 3 || edges[1] != (kernel.Edge{A: 0, B: 1, Weight: 2}) {
		t.Errorf("got %d %v %v; want 2 nodes and 3 edges in input order, self-loop and duplicate kept", n, edges, err)
	}
	if _, _, err := kernel.ParseEdgeList(strings.NewReader("0 1\n0 11\n"), "g", 10); err == nil || !strings.HasPrefix(err.Error(), `g:2: node id "11" is not an integer in [0, 10]`) {
		t.Errorf("id above maxID: %v", err)
	}
}
