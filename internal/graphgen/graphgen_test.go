package graphgen_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/graphgen"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want graphgen.Spec
	}{
		{"ba:10000:2", graphgen.Spec{Kind: "ba", N: 10000, M: 2}},
		{"grid:30:20", graphgen.Spec{Kind: "grid", N: 30, M: 20}},
		{"random:1000:0.01", graphgen.Spec{Kind: "random", N: 1000, P: 0.01}},
		{"random:1:0", graphgen.Spec{Kind: "random", N: 1}},
	} {
		s, err := graphgen.Parse(c.in)
		if err != nil || s != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.in, s, err, c.want)
		}
		if s.String() != c.in {
			t.Errorf("%s: String() = %q", c.in, s.String())
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"foo:1", `-generate foo:1: unknown generator "foo" (want ba:N:M, grid:W:H or random:N:P)`},
		{"", `-generate : unknown generator ""`},
		{"ba:10", "-generate ba:10: want ba:N:M"},
		{"grid:1:2:3", "-generate grid:1:2:3: want grid:W:H"},
		{"ba:x:2", `-generate ba:x:2: N "x" is not an integer`},
		{"ba:10:y", `-generate ba:10:y: M "y" is not an integer`},
		{"ba:10:0", "-generate ba:10:0: M=0 must be >= 1"},
		{"ba:3:3", "-generate ba:3:3: N=3 must be in (M, 67108864]"},
		{"ba:67108865:1", "-generate ba:67108865:1: N=67108865 must be in"},
		{"ba:60000000:10", "-generate ba:60000000:10: M*(N-M) edges exceeds"},
		{"grid:0:5", "-generate grid:0:5: W and H must be >= 1"},
		{"grid:100000:100000", "-generate grid:100000:100000: W and H must be >= 1 with W*H <= 67108864"},
		{"random:100:1.5", `-generate random:100:1.5: P "1.5" is not a probability in [0, 1]`},
		{"random:100:NaN", `P "NaN" is not a probability`},
		{"random:100:-0.1", `P "-0.1" is not a probability`},
		{"random:0:0.5", "-generate random:0:0.5: N=0 must be in [1, 67108864]"},
		{"random:1000000:0.5", "expected edges P*N*(N-1)/2 = 2.5e+11 exceeds"},
	} {
		_, err := graphgen.Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "-generate "+c.in+": ") {
			t.Errorf("%q: error %v, want \"-generate %s: ...%s...\"", c.in, err, c.in, c.want)
		}
	}
}

// checkSimple fails on an edge out of range, a self-loop or a duplicate.
func checkSimple(t *testing.T, n int, edges []kernel.Edge) {
	t.Helper()
	seen := map[[2]int32]bool{}
	for _, e := range edges {
		a, b := min(e.A, e.B), max(e.A, e.B)
		if a < 0 || int(b) >= n || a == b || seen[[2]int32{a, b}] || e.Weight != 1 {
			t.Fatalf("edge %+v: out of range, self-loop, duplicate or weight != 1", e)
		}
		seen[[2]int32{a, b}] = true
	}
}

func degrees(n int, edges []kernel.Edge) []int {
	d := make([]int, n)
	for _, e := range edges {
		d[e.A]++
		d[e.B]++
	}
	return d
}

func TestBA(t *testing.T) {
	const n, m = 3000, 2
	e := graphgen.BA(n, m, 1)
	if len(e) != m*(n-m) {
		t.Fatalf("%d edges, want %d", len(e), m*(n-m))
	}
	checkSimple(t, n, e)
	if !reflect.DeepEqual(e, graphgen.BA(n, m, 1)) {
		t.Error("same seed, different graph")
	}
	if reflect.DeepEqual(e, graphgen.BA(n, m, 2)) {
		t.Error("seed ignored")
	}
	// Preferential attachment makes hubs: the largest degree is far above
	// the mean 2m (a uniform attachment graph this size stays near 20).
	if d := degrees(n, e); slicesMax(d) < 50 {
		t.Errorf("largest degree %d: no hubs", slicesMax(d))
	}
	if graphgen.BA(2, 2, 1) != nil || graphgen.BA(5, 0, 1) != nil {
		t.Error("n <= m or m <= 0 gave edges")
	}
}

func slicesMax(d []int) int {
	m := 0
	for _, v := range d {
		m = max(m, v)
	}
	return m
}

func TestGrid(t *testing.T) {
	e := graphgen.Grid(4, 3)
	checkSimple(t, 12, e)
	if len(e) != 3*3+4*2 {
		t.Fatalf("%d edges, want 17", len(e))
	}
	d := degrees(12, e)
	want := []int{2, 3, 3, 2, 3, 4, 4, 3, 2, 3, 3, 2}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("degrees %v, want %v", d, want)
	}
	for _, e := range e {
		if dx, dy := abs(int(e.A%4)-int(e.B%4)), abs(int(e.A/4)-int(e.B/4)); dx+dy != 1 {
			t.Errorf("edge %v joins non-neighbours", e)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestRandom(t *testing.T) {
	const n, p = 2000, 0.01
	e := graphgen.Random(n, p, 3)
	checkSimple(t, n, e)
	// The count is binomial(n(n-1)/2, p): mean 19990, sd 140.
	mean := p * n * (n - 1) / 2
	sd := math.Sqrt(mean * (1 - p))
	if math.Abs(float64(len(e))-mean) > 5*sd {
		t.Errorf("%d edges, want %v +- %v", len(e), mean, 5*sd)
	}
	// Pairs are spread evenly: a quarter of them have both ends below n/2.
	low := 0
	for _, e := range e {
		if e.A < n/2 && e.B < n/2 {
			low++
		}
	}
	if f := float64(low) / float64(len(e)); math.Abs(f-0.2495) > 0.02 {
		t.Errorf("%.3f of edges within the first half of the nodes, want about 0.25", f)
	}
	if !reflect.DeepEqual(e, graphgen.Random(n, p, 3)) || reflect.DeepEqual(e, graphgen.Random(n, p, 4)) {
		t.Error("not deterministic for its seed, or seed ignored")
	}
	if full := graphgen.Random(30, 1, 1); len(full) != 30*29/2 {
		t.Errorf("p=1: %d edges, want %d", len(full), 30*29/2)
	}
	if len(graphgen.Random(30, 0, 1)) != 0 || len(graphgen.Random(1, 1, 1)) != 0 {
		t.Error("p=0 or n=1 gave edges")
	}
	// A tiny p on many nodes: the geometric jumps stay in range.
	checkSimple(t, 1<<20, graphgen.Random(1<<20, 1e-9, 5))
}

func TestGenerate(t *testing.T) {
	for _, c := range []struct {
		spec         string
		nodes, edges int
	}{
		{"ba:100:3", 100, 3 * 97},
		{"grid:5:4", 20, 4*4 + 5*3},
		{"random:50:1", 50, 50 * 49 / 2},
	} {
		s, err := graphgen.Parse(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.Generate(9)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Validate(); err != nil {
			t.Fatal(err)
		}
		if g.Nodes != c.nodes || g.Stats.Edges != c.edges || g.Stats.Duplicates+g.Stats.SelfLoops != 0 || g.Labels != nil {
			t.Errorf("%s: %d nodes, stats %+v; want %d nodes, %d edges", c.spec, g.Nodes, g.Stats, c.nodes, c.edges)
		}
	}
	if _, err := (graphgen.Spec{Kind: "ba", N: 2, M: 5}).Generate(1); err == nil {
		t.Error("invalid Spec generated")
	}
}

// BenchmarkRandom1M generates random:1000000:0.000004, about 2M edges.
func BenchmarkRandom1M(b *testing.B) {
	for b.Loop() {
		if e := graphgen.Random(1000000, 4e-6, 1); len(e) < 1900000 {
			b.Fatal(len(e))
		}
	}
}
