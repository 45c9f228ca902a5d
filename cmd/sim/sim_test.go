package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// bin is the sim binary built once for the tests, which run it as a user
// would.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sim-test")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "sim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("go build: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// sim runs the binary in dir with stdin, returning stdout, stderr and the
// exit code.
func sim(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestDefaultRun: the default run, on a smaller generated graph, writes
// layout.csv (header, one row per node) and a layout.png that decodes at
// the stated size and is not blank, and prints the delivery summary.
func TestDefaultRun(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := sim(t, dir, "", "-generate", "ba:500:2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"layout: 500 nodes, 996 edges, 3D", "settled", "delivery:", "ComputeForces", "0 lost"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	csv, err := os.ReadFile(filepath.Join(dir, "layout.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if lines[0] != "id,x,y,z" || len(lines) != 501 {
		t.Errorf("layout.csv: header %q and %d rows, want id,x,y,z and 500", lines[0], len(lines)-1)
	}
	f, err := os.Open(filepath.Join(dir, "layout.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1600 || b.Dy() != 1200 {
		t.Errorf("layout.png is %v, want 1600x1200", b)
	}
	colours := map[uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|b>>8] = true
		}
	}
	if len(colours) < 10 {
		t.Errorf("layout.png has %d colours: blank", len(colours))
	}
}

// summary is what -json prints.
type summary struct {
	Nodes, Edges, Dims int
	Ticks              uint64
	StartTick          uint64  `json:"start_tick"`
	MsPerTick          float64 `json:"ms_per_tick"`
	WallS              float64 `json:"wall_s"`
	KineticEnergy      float64 `json:"kinetic_energy"`
	Settled            bool
	Backend            string
	Recoveries         int
	DroppedLoops       int `json:"dropped_self_loops"`
	DroppedDups        int `json:"dropped_duplicate_edges"`
	Delivery           struct {
		Sent, Acked, Failed, Retried, Exhausted, Undeliverable, Abandoned, Pending, Lost uint64
	}
}

// runJSON runs sim -json and parses stdout, which must hold the one JSON
// object and nothing else.
func runJSON(t *testing.T, dir, stdin string, args ...string) summary {
	t.Helper()
	stdout, stderr, code := sim(t, dir, stdin, append([]string{"-json", "-q", "-png", "", "-out", ""}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s summary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	d := s.Delivery
	if d.Sent != d.Acked+d.Failed+d.Exhausted+d.Undeliverable+d.Abandoned+d.Pending+d.Lost {
		t.Errorf("delivery does not reconcile: %+v", d)
	}
	if d.Sent == 0 || d.Lost != 0 {
		t.Errorf("delivery %+v: want messages sent and none lost", d)
	}
	return s
}

// TestJSON: -json prints one object with the fields, reconciled; -ticks N
// runs exactly N ticks; -dims 2 lays out in 2D.
func TestJSON(t *testing.T) {
	s := runJSON(t, t.TempDir(), "", "-generate", "grid:20:10", "-ticks", "40", "-dims", "2", "-backend", "cpu")
	if s.Nodes != 200 || s.Edges != 370 || s.Dims != 2 || s.Ticks != 40 || s.Backend != "cpu" || s.MsPerTick <= 0 || s.WallS <= 0 {
		t.Errorf("summary %+v", s)
	}
}

// TestMultilevelByDefault: a run to equilibrium of a graph over 1000
// nodes starts from the multilevel start, past tick 0, and settles; -ticks
// N runs ticks 0 to N-1 from the plain start.
func TestMultilevelByDefault(t *testing.T) {
	s := runJSON(t, t.TempDir(), "", "-generate", "ba:3000:2", "-backend", "cpu")
	if !s.Settled || s.StartTick == 0 || s.Ticks <= s.StartTick {
		t.Errorf("to equilibrium: settled %v at tick %d from start tick %d; want a multilevel start", s.Settled, s.Ticks, s.StartTick)
	}
	s = runJSON(t, t.TempDir(), "", "-generate", "ba:3000:2", "-ticks", "20", "-backend", "cpu")
	if s.StartTick != 0 || s.Ticks != 20 {
		t.Errorf("-ticks 20: tick %d from start tick %d; want 20 from 0", s.Ticks, s.StartTick)
	}
}

// TestInputFormats: an edge list (comments, commas, weights, a self-loop
// and a duplicate, dropped and counted), d3 JSON with string ids, and an
// edge list on stdin.
func TestInputFormats(t *testing.T) {
	dir := t.TempDir()
	edges := "# a small graph\n0 1\n1,2,2.5\n2 3\n3 3\n1 0\n3 0 1\n"
	if err := os.WriteFile(filepath.Join(dir, "g.txt"), []byte(edges), 0o644); err != nil {
		t.Fatal(err)
	}
	js := `{"nodes":[{"id":"a"},{"id":"b"},{"id":"c"}],"links":[{"source":"a","target":"b"},{"source":"b","target":"c"}]}`
	if err := os.WriteFile(filepath.Join(dir, "g.json"), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	if s := runJSON(t, dir, "", "-graph", "g.txt", "-ticks", "20"); s.Nodes != 4 || s.Edges != 4 || s.DroppedLoops != 1 || s.DroppedDups != 1 {
		t.Errorf("edge list: %+v", s)
	}
	if s := runJSON(t, dir, "", "-graph", "g.json", "-ticks", "20"); s.Nodes != 3 || s.Edges != 2 {
		t.Errorf("JSON: %+v", s)
	}
	if s := runJSON(t, dir, edges, "-graph", "-", "-ticks", "20"); s.Nodes != 4 || s.Edges != 4 {
		t.Errorf("stdin: %+v", s)
	}
	// Positions as JSON, by extension, with the JSON's own ids.
	if _, stderr, code := sim(t, dir, "", "-graph", "g.json", "-ticks", "5", "-q", "-png", "", "-out", "pos.json"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var pos struct {
		Dims  int
		Nodes []map[string]any
	}
	b, _ := os.ReadFile(filepath.Join(dir, "pos.json"))
	if err := json.Unmarshal(b, &pos); err != nil || pos.Dims != 3 || len(pos.Nodes) != 3 || pos.Nodes[0]["id"] != "a" {
		t.Errorf("pos.json %s: %v", b, err)
	}
}

// TestErrors: bad input and flags exit 2 with one line naming the
// problem, and no stack trace; -h exits 0.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bad.txt", "0 1\n1 2\n2 x\n")
	write("empty.txt", "# nothing\n")
	write("neg.txt", "0 1\n-3 1\n")
	write("unknown.json", `{"nodes":[{"id":"a"}],"links":[{"source":"a","target":"zz"}]}`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-graph", "missing.txt"}, "missing.txt: no such file"},
		{[]string{"-graph", "bad.txt"}, "bad.txt:3:"},
		{[]string{"-graph", "empty.txt"}, "empty graph"},
		{[]string{"-graph", "neg.txt"}, "neg.txt:2:"},
		{[]string{"-graph", "unknown.json"}, `unknown node id "zz"`},
		{[]string{"-dims", "7"}, "-dims 7: must be 2 or 3"},
		{[]string{"-drop", "NaN"}, "-drop NaN"},
		{[]string{"-ticks", "-1"}, "-ticks -1: must be >= 0"},
		{[]string{"-damping", "2"}, "-damping"},
		{[]string{"-generate", "foo:1"}, `unknown generator "foo"`},
		{[]string{"-backend", "gpu"}, "-backend gpu"},
		{[]string{"-out", "x.txt"}, "-out x.txt"},
		{[]string{"-png-size", "10x"}, "-png-size 10x"},
		{[]string{"-graph", "bad.txt", "-generate", "ba:10:2"}, "choose one"},
		{[]string{"-nosuchflag"}, "flag provided but not defined"},
	} {
		stdout, stderr, code := sim(t, dir, "", c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "goroutine 1 [") || strings.Contains(stderr, "panic:") || stdout != "" {
			t.Errorf("sim %v: exit %d, stderr %q; want exit 2 naming %q", c.args, code, stderr, c.want)
		}
	}
	if _, stderr, code := sim(t, dir, "", "-h"); code != 0 || !strings.Contains(stderr, "-crash-every") {
		t.Errorf("-h: exit %d, usage %q", code, stderr)
	}
}

// TestFaultyRun: with 30% of tracked messages and acks dropped, 10%
// duplicated and ForceCompute crashing every 40th step, the layout still
// settles, with re-sends and recoveries shown, nothing lost and nothing
// sent to a stopped actor.
func TestFaultyRun(t *testing.T) {
	s := runJSON(t, t.TempDir(), "", "-generate", "ba:300:2", "-drop", "0.3", "-dup", "0.1", "-crash-every", "40", "-backend", "cpu")
	if !s.Settled || s.Delivery.Retried == 0 || s.Recoveries == 0 {
		t.Errorf("settled %v, %d re-sends, %d recoveries: want settled with both", s.Settled, s.Delivery.Retried, s.Recoveries)
	}
	// ForceCompute lives until the books are closed, so a re-send of a step
	// whose ack was lost reaches it rather than a dead letter.
	if s.Delivery.Undeliverable != 0 {
		t.Errorf("%d messages undeliverable: want 0, the target was alive throughout", s.Delivery.Undeliverable)
	}
	t.Logf("%+v", s)
}
