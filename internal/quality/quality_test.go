package quality_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/quality"
)

type result struct {
	Nodes, Edges, Pivots int
	EdgeCV               *float64 `json:"edge_cv"`
	Stress               *float64
}

func runQuality(t *testing.T, stdin string, args ...string) (result, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := quality.Run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	var r result
	if err == nil {
		if e := json.Unmarshal(stdout.Bytes(), &r); e != nil || strings.Count(stdout.String(), "\n") != 1 {
			t.Fatalf("stdout %q: %v, want one JSON line", stdout.String(), e)
		}
	}
	return r, err
}

func write(t *testing.T, name, data string) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRun(t *testing.T) {
	// A path 0-1-2 at x = 0, 1, 4: edge lengths 1 and 3, cv 0.5.
	pos := write(t, "p.csv", "id,x,y,z\n0,0,0,0\n1,1,0,0\n2,4,0,0\n")
	r, err := runQuality(t, "0 1\n1 2\n", "-", pos)
	if err != nil {
		t.Fatal(err)
	}
	if r.Nodes != 3 || r.Edges != 2 || r.Pivots != 3 || r.EdgeCV == nil || math.Abs(*r.EdgeCV-0.5) > 1e-9 {
		t.Errorf("result %+v", r)
	}
	// Evenly spaced on a line, at any scale: distances are hops, stress 0.
	even := write(t, "e.csv", "0,0,0\n1,7,0\n2,14,0\n")
	if r, err := runQuality(t, "0 1\n1 2\n", "-", even); err != nil || r.Stress == nil || *r.Stress > 1e-9 || *r.EdgeCV > 1e-9 {
		t.Errorf("straight even path: %+v, %v; want stress 0 and cv 0", r, err)
	}
	// Folded: node 2 back at x = 0.5 makes 0-2 nearer than 0-1.
	folded := write(t, "f.txt", "0 0 0\n1 1 0\n2 0.5 0.1\n")
	f, err := runQuality(t, "0 1\n1 2\n", "-", folded, "-pivots", "2", "-seed", "3")
	if err != nil {
		t.Fatal(err)
	}
	if f.Pivots != 2 || f.Stress == nil || !(*f.Stress > 0.1) {
		t.Errorf("folded path: %+v, want stress > 0.1 from 2 pivots", f)
	}
	// Without edges the measures are undefined: null.
	js := write(t, "g.json", `{"nodes":[{"id":"a"},{"id":"b"}]}`)
	n, err := runQuality(t, "", js, write(t, "p.json", `{"nodes":[{"id":"a","x":0,"y":0},{"id":"b","x":1,"y":0}]}`))
	if err != nil || n.EdgeCV != nil || n.Stress != nil || n.Nodes != 2 {
		t.Errorf("no edges: %+v, %v; want null measures", n, err)
	}
}

// layoutq.py's output on testdata (recorded with
// /usr/bin/python3 layoutq.py ba200.edges ba200.csv). With 200 nodes all
// are pivots, so the sample is the same and only its 4-decimal rounding
// separates the figures.
func TestMatchesLayoutq(t *testing.T) {
	data, err := os.ReadFile("testdata/ba200.layoutq.json")
	if err != nil {
		t.Fatal(err)
	}
	var want result
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	got, err := runQuality(t, "", "testdata/ba200.edges", "testdata/ba200.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got.Nodes != want.Nodes || got.Edges != want.Edges || math.Abs(*got.EdgeCV-*want.EdgeCV) > 5e-5 || math.Abs(*got.Stress-*want.Stress) > 5e-5 {
		t.Errorf("ours %+v (cv %v, stress %v), layoutq.py %s", got, *got.EdgeCV, *got.Stress, data)
	}
	// Run layoutq.py itself when LAYOUTQ names it (it lives outside the
	// repository, so it is opt-in).
	if script := os.Getenv("LAYOUTQ"); script != "" {
		out, err := exec.Command("/usr/bin/python3", script, "testdata/ba200.edges", "testdata/ba200.csv").Output()
		if err != nil || !bytes.Equal(bytes.TrimSpace(out), bytes.TrimSpace(data)) {
			t.Errorf("layoutq.py now prints %q (%v), testdata has %q", out, err, data)
		}
	}
}

func TestRunErrors(t *testing.T) {
	graph := write(t, "g.edges", "0 1\n1 2\n")
	pos := write(t, "p.csv", "0 0 0\n1 1 0\n2 2 0\n")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "help"},
		{[]string{graph}, 2, "want GRAPH and POSITIONS, got 1"},
		{[]string{graph, pos, pos}, 2, "got 3"},
		{[]string{"-pivots", "0", graph, pos}, 2, "-pivots 0: must be >= 1"},
		{[]string{graph + ".missing", pos}, 2, "no such file"},
		{[]string{graph, pos + ".missing"}, 2, "no such file"},
		{[]string{write(t, "bad.edges", "0 1\nx y\n"), pos}, 2, "bad.edges:2: "},
		{[]string{graph, write(t, "short.csv", "0 0 0\n1 1 0\n")}, 2, `no position for node "2"`},
		{[]string{"-what", graph, pos}, 2, "-what"},
	} {
		_, err := runQuality(t, "", c.args...)
		if cli.Code(err) != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v (exit %d), want exit %d with %q", c.args, err, cli.Code(err), c.code, c.want)
		}
		if c.code == 0 && !errors.Is(err, flag.ErrHelp) {
			t.Errorf("-h: %v", err)
		}
	}
}
