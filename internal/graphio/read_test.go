package graphio_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/graphio"
)

// edgesOf lists g's edges as "label-label" with the smaller index first, in
// CSR order.
func edgesOf(g *graphio.Graph) []string {
	var out []string
	for i := 0; i < g.Nodes; i++ {
		for k := g.RowPtr[i]; k < g.RowPtr[i+1]; k++ {
			if j := int(g.Col[k]); i < j {
				out = append(out, g.Label(i)+"-"+g.Label(j))
			}
		}
	}
	return out
}

func TestReadEdgeList(t *testing.T) {
	for _, c := range []struct {
		name, in string
		edges    []string
		stats    graphio.Stats
	}{
		{"plain", "0 1\n1 2\n", []string{"0-1", "1-2"}, graphio.Stats{Nodes: 3, Edges: 2}},
		{"separators and comments", "# c\n% c\n\n0,1\n1\t2 , 0.5\n  2   0  \n", []string{"0-1", "0-2", "1-2"}, graphio.Stats{Nodes: 3, Edges: 3}},
		{"self-loops dropped", "0 0\n0 1\n1 1\n", []string{"0-1"}, graphio.Stats{Nodes: 2, Edges: 1, SelfLoops: 2}},
		{"duplicates dropped both ways", "0 1\n1 0\n0 1 3\n1 2\n", []string{"0-1", "1-2"}, graphio.Stats{Nodes: 3, Edges: 2, Duplicates: 2}},
		{"isolated kept", "0 1\n4 3\n", []string{"0-1", "3-4"}, graphio.Stats{Nodes: 5, Edges: 2, Isolated: 1}},
		{"only a self-loop", "2 2\n", nil, graphio.Stats{Nodes: 3, SelfLoops: 1, Isolated: 3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := graphio.ReadEdgeList(strings.NewReader(c.in), "g.edges")
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := edgesOf(g); !reflect.DeepEqual(got, c.edges) {
				t.Errorf("edges %v, want %v", got, c.edges)
			}
			if g.Stats != c.stats {
				t.Errorf("stats %+v, want %+v", g.Stats, c.stats)
			}
			if g.Labels != nil {
				t.Errorf("labels %v, want nil (named by index)", g.Labels)
			}
		})
	}
}

func TestDuplicateKeepsFirstWeight(t *testing.T) {
	g, err := graphio.ReadEdgeList(strings.NewReader("2 1 0.5\n0 1\n1 2 9\n"), "g")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		for k := g.RowPtr[i]; k < g.RowPtr[i+1]; k++ {
			if j := g.Col[k]; j == int32(3-i) && g.Weight[k] != 0.5 {
				t.Errorf("weight %d-%d = %v, want the first listed, 0.5", i, j, g.Weight[k])
			}
		}
	}
}

func TestReadJSON(t *testing.T) {
	for _, c := range []struct {
		name, in string
		labels   []string
		edges    []string
		stats    graphio.Stats
	}{
		{"string ids", `{"nodes":[{"id":"a"},{"id":"b"},{"id":"c"}],"links":[{"source":"a","target":"b"},{"source":"c","target":"b"}]}`,
			[]string{"a", "b", "c"}, []string{"a-b", "b-c"}, graphio.Stats{Nodes: 3, Edges: 2}},
		{"number ids match their text", `{"nodes":[{"id":10},{"id":"20"},{"id":-3}],"links":[{"source":"10","target":20},{"source":-3,"target":10}]}`,
			[]string{"10", "20", "-3"}, []string{"10-20", "10--3"}, graphio.Stats{Nodes: 3, Edges: 2}},
		{"nodes without id are indices", `{"nodes":[{},{"name":"x"},{}],"links":[{"source":0,"target":2}]}`,
			[]string{"0", "1", "2"}, []string{"0-2"}, graphio.Stats{Nodes: 3, Edges: 1, Isolated: 1}},
		{"endpoint objects, edges key, extra fields", `{"directed":false,"nodes":[{"id":"a","group":1},{"id":"b"}],"edges":[{"source":{"id":"a","x":1},"target":{"id":"b"},"value":3}]}`,
			[]string{"a", "b"}, []string{"a-b"}, graphio.Stats{Nodes: 2, Edges: 1}},
		{"no nodes list", `{"links":[{"source":"x","target":"y"},{"source":7,"target":"x"},{"source":"y","target":"y"},{"source":"y","target":"x"}]}`,
			[]string{"x", "y", "7"}, []string{"x-y", "x-7"}, graphio.Stats{Nodes: 3, Edges: 2, SelfLoops: 1, Duplicates: 1}},
		{"links before nodes", `{"links":[{"source":"b","target":"a","weight":2.5}],"nodes":[{"id":"a"},{"id":"b"},{"id":"c"}]}`,
			[]string{"a", "b", "c"}, []string{"a-b"}, graphio.Stats{Nodes: 3, Edges: 1, Isolated: 1}},
		{"nodes only", `{"nodes":[{"id":1},{"id":2}]}`, []string{"1", "2"}, nil, graphio.Stats{Nodes: 2, Isolated: 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := graphio.ReadJSON(strings.NewReader(c.in), "g.json")
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Validate(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g.Labels, c.labels) {
				t.Errorf("labels %q, want %q", g.Labels, c.labels)
			}
			if got := edgesOf(g); !reflect.DeepEqual(got, c.edges) {
				t.Errorf("edges %v, want %v", got, c.edges)
			}
			if g.Stats != c.stats {
				t.Errorf("stats %+v, want %+v", g.Stats, c.stats)
			}
		})
	}
	g, _ := graphio.ReadJSON(strings.NewReader(`{"links":[{"source":"b","target":"a","weight":2.5}],"nodes":[{"id":"a"},{"id":"b"}]}`), "w")
	if g.Weight[0] != 2.5 || g.Weight[1] != 2.5 {
		t.Errorf("weights %v, want 2.5 both ways", g.Weight)
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct {
		name, file, in, want string
	}{
		{"malformed line", "g.edges", "0 1\n\n1 2 3 4\n", "g.edges:3: want \"a b [weight]\", got 4 fields"},
		{"not an id", "g.edges", "0 1\n1 x\n", `g.edges:2: node id "x" is not an integer`},
		{"negative id", "g.edges", "-1 0\n", `g.edges:1: node id "-1"`},
		{"id out of range", "g.edges", "0 1\n0 67108864\n", `g.edges:2: node id "67108864" is not an integer in [0, 67108863]`},
		{"bad weight", "g.edges", "0 1 -1\n", `g.edges:1: weight "-1"`},
		{"empty edge list", "g.edges", "# nothing\n\n", "g.edges: empty graph"},
		{"empty file", "g.edges", "", "g.edges: empty graph"},
		{"empty JSON", "g.json", `{"nodes":[],"links":[]}`, "g.json: empty graph"},
		{"JSON syntax", "g.json", "{\"nodes\": [\n{\"id\": 1},\n{\"id\": 2,,}\n]}", "g.json:3: invalid character ','"},
		{"JSON truncated", "g.json", "{\"nodes\": [\n{\"id\": 1}", "g.json:2: unexpected end"},
		{"JSON top level array", "g.json", "[1,2]", "g.json:1: want a JSON object"},
		{"JSON unknown link id", "g.json", "{\"nodes\":[{\"id\":\"a\"},{\"id\":\"b\"}],\n\"links\":[\n{\"source\":\"a\",\"target\":\"b\"},\n{\"source\":\"a\",\"target\":\"zz\"}]}", `g.json:4: links[1]: unknown node id "zz"`},
		{"JSON index past nodes", "g.json", `{"nodes":[{},{}],"links":[{"source":0,"target":2}]}`, `g.json:1: links[0]: unknown node id "2"`},
		{"JSON duplicate node", "g.json", "{\"nodes\":[\n{\"id\":\"a\"},\n{\"id\":\"a\"}]}", `g.json:3: nodes[1]: duplicate id "a"`},
		{"JSON 7 and \"7\" are one id", "g.json", `{"nodes":[{"id":7},{"id":"7"}]}`, `nodes[1]: duplicate id "7"`},
		{"JSON bool id", "g.json", `{"nodes":[{"id":true}]}`, "g.json:1: nodes[0].id: id true is not a string or a number"},
		{"JSON missing target", "g.json", `{"links":[{"source":1}]}`, "g.json:1: links[0].target: missing"},
		{"JSON bad weight", "g.json", `{"links":[{"source":1,"target":2,"weight":0}]}`, "g.json:1: links[0].weight 0 is not a finite number > 0"},
		{"JSON weight type", "g.json", "{\"links\":[\n{\"source\":1,\"target\":2,\"weight\":\"x\"}]}", "g.json:2: json: cannot unmarshal string"},
		{"JSON nodes not array", "g.json", `{"nodes":{}}`, `g.json:1: "nodes" must be an array`},
		{"JSON trailing data", "g.json", "{\"nodes\":[{}]}\n{}", "g.json:2: unexpected data after"},
		{"JSON nodes twice", "g.json", `{"nodes":[{}],"nodes":[{}]}`, `g.json:1: "nodes" given twice`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), c.file)
			if err := os.WriteFile(path, []byte(c.in), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := graphio.Read(path, nil)
			if err == nil {
				t.Fatalf("accepted %q", c.in)
			}
			msg := strings.TrimPrefix(err.Error(), filepath.Dir(path)+"/")
			if !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line containing %q", msg, c.want)
			}
		})
	}
	_, err := graphio.Read(filepath.Join(t.TempDir(), "missing.edges"), nil)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.edges") {
		t.Errorf("missing file: %v, want a not-exist error naming it", err)
	}
}

func TestReadPicksFormat(t *testing.T) {
	dir := t.TempDir()
	js := `{"nodes":[{"id":"p"},{"id":"q"}],"links":[{"source":"p","target":"q"}]}`
	// A .JSON name is read as JSON; the same text as an edge list fails.
	for name, wantErr := range map[string]bool{"g.JSON": false, "g.txt": true} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(js), 0o644)
		g, err := graphio.Read(path, nil)
		if (err != nil) != wantErr {
			t.Errorf("%s: error %v, want error %v", name, err, wantErr)
		}
		if err == nil && g.Label(1) != "q" {
			t.Errorf("%s: labels %v", name, g.Labels)
		}
	}
	for _, c := range []struct{ in, label string }{
		{"\n  \t" + js, "q"},
		{"# edges\n0 1\n", "1"},
	} {
		g, err := graphio.Read("-", strings.NewReader(c.in))
		if err != nil || g.Nodes != 2 || g.Label(1) != c.label {
			t.Errorf("stdin %q: %v, %+v", c.in, err, g)
		}
	}
	if _, err := graphio.Read("-", strings.NewReader("0 1\nbad\n")); err == nil || !strings.HasPrefix(err.Error(), "stdin:2: ") {
		t.Errorf("stdin error %v, want stdin:2: prefix", err)
	}
}
