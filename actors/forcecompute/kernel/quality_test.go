package kernel_test

import (
	"math"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

func path(n int) kernel.Graph {
	var e []kernel.Edge
	for i := 0; i+1 < n; i++ {
		e = append(e, kernel.Edge{A: int32(i), B: int32(i + 1)})
	}
	g, _ := kernel.FromEdges(n, e)
	return g
}

func TestEdgeCV(t *testing.T) {
	g := path(3)
	// 2D, x = 0, 1, 4: lengths 1 and 3, mean 2, std 1.
	pos := []float32{0, 1, 4, 0, 0, 0}
	cv, err := kernel.EdgeCV(&g, pos, 2)
	if err != nil || math.Abs(cv-0.5) > 1e-9 {
		t.Errorf("EdgeCV = %v, %v; want 0.5", cv, err)
	}
	if _, err := kernel.EdgeCV(&g, pos[:5], 2); err == nil {
		t.Error("short positions accepted")
	}
	if _, err := kernel.EdgeCV(&g, pos, 4); err == nil {
		t.Error("dims 4 accepted")
	}
}

func TestStress(t *testing.T) {
	const n = 30
	g := path(n)
	line := make([]float32, 3*n)
	for i := 0; i < n; i++ {
		line[i] = 7 * float32(i) // any scale: stress is scale-normalised
	}
	s, err := kernel.Stress(&g, line, 3, 256, 1)
	if err != nil || s > 1e-9 {
		t.Errorf("straight path: Stress = %v, %v; want 0", s, err)
	}
	folded := append([]float32(nil), line...)
	for i := n / 2; i < n; i++ {
		folded[i] = 7 * float32(n-1-i)
		folded[n+i] = 3
	}
	f, err := kernel.Stress(&g, folded, 3, 256, 1)
	if err != nil || !(f > 0.05) {
		t.Errorf("folded path: Stress = %v, %v; want clearly > 0", f, err)
	}
	a, _ := kernel.Stress(&g, folded, 3, 5, 9)
	b, _ := kernel.Stress(&g, folded, 3, 5, 9)
	if a != b {
		t.Errorf("same seed, different stress %v vs %v", a, b)
	}
	if _, err := kernel.Stress(&g, folded, 3, 0, 1); err == nil {
		t.Error("pivots 0 accepted")
	}
}

func TestInitialPositions(t *testing.T) {
	for _, dims := range []int{2, 3} {
		p := kernel.Defaults()
		p.Dims = dims
		const n = 1000
		a := make([]float32, dims*n)
		kernel.InitialPositions(p, 0, n, a)
		b := make([]float32, dims*n)
		kernel.InitialPositions(p, 0, n, b)
		R := float64(p.RestLength) * math.Pow(n, 1/float64(dims))
		inner, outer := 0.0, 0.0
		for i := 0; i < n; i++ {
			var r2 float64
			for c := 0; c < dims; c++ {
				if a[c*n+i] != b[c*n+i] {
					t.Fatalf("%dD: not deterministic", dims)
				}
				r2 += float64(a[c*n+i]) * float64(a[c*n+i])
			}
			r := math.Sqrt(r2)
			if r > R*(1+1e-6) || math.IsNaN(r) {
				t.Fatalf("%dD: node %d at radius %v > %v", dims, i, r, R)
			}
			if i < 10 {
				inner = math.Max(inner, r)
			}
			outer = r
		}
		if inner >= outer {
			t.Errorf("%dD: low ids not nearer the centre (%v vs %v)", dims, inner, outer)
		}
		c := make([]float32, dims*n)
		p.Seed++
		kernel.InitialPositions(p, 0, n, c)
		if c[5] == a[5] {
			t.Errorf("%dD: seed ignored", dims)
		}
		// first > 0 leaves earlier nodes alone.
		d := make([]float32, dims*n)
		if err := kernel.InitialPositions(p, 500, n, d); err != nil {
			t.Fatal(err)
		}
		if err := kernel.InitialPositions(p, 0, n, d[:dims*n-1]); err == nil {
			t.Errorf("%dD: short dst accepted", dims)
		}
		// The rejected call wrote nothing, and first > 0 left nodes below it.
		if d[0] != 0 || d[499] != 0 || d[500] != c[500] {
			t.Errorf("%dD: first not honoured or short dst written", dims)
		}
	}
}

func TestConstraintsValidate(t *testing.T) {
	nan := float32(math.NaN())
	for _, c := range []kernel.Constraints{
		{Pins: []kernel.Pin{{Node: 5}}},
		{Pins: []kernel.Pin{{Node: -1}}},
		{Pins: []kernel.Pin{{Node: 1, Y: nan}}},
		{Distances: []kernel.Distance{{A: 0, B: 5}}},
		{Distances: []kernel.Distance{{A: 0, B: 1, Length: -1}}},
		{Distances: []kernel.Distance{{A: 0, B: 1, Stiffness: nan}}},
	} {
		if err := c.Validate(5); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	ok := kernel.Constraints{Pins: []kernel.Pin{{Node: 4, X: 1}}, Distances: []kernel.Distance{{A: 0, B: 4, Length: 2}}}
	if err := ok.Validate(5); err != nil {
		t.Errorf("valid constraints rejected: %v", err)
	}
}

func TestFromEdges(t *testing.T) {
	g, err := kernel.FromEdges(4, []kernel.Edge{{A: 0, B: 1}, {A: 1, B: 1}, {A: 2, B: 1, Weight: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := g.RowPtr; got[1] != 1 || got[2] != 3 || got[3] != 4 || got[4] != 4 {
		t.Errorf("RowPtr %v: self-loop not dropped or degrees wrong", got)
	}
	if _, err := kernel.FromEdges(2, []kernel.Edge{{A: 0, B: 2}}); err == nil {
		t.Error("edge out of range accepted")
	}
}

// TestComponentSpread draws a 21-node path from x=-10 to 10 (radius 10)
// and three pairs centred at distances 30, 15 and 5: the median is 1.5.
func TestComponentSpread(t *testing.T) {
	var edges []kernel.Edge
	for i := int32(0); i < 20; i++ {
		edges = append(edges, kernel.Edge{A: i, B: i + 1})
	}
	edges = append(edges, kernel.Edge{A: 21, B: 22}, kernel.Edge{A: 23, B: 24}, kernel.Edge{A: 25, B: 26})
	g, err := kernel.FromEdges(27, edges)
	if err != nil {
		t.Fatal(err)
	}
	const n = 27
	pos := make([]float32, 2*n)
	for i := 0; i < 21; i++ {
		pos[i] = float32(i - 10)
	}
	set := func(i int, x, y float32) { pos[i], pos[n+i] = x, y }
	set(21, 29, 0)
	set(22, 31, 0) // centroid (30, 0)
	set(23, 0, 14)
	set(24, 0, 16) // (0, 15)
	set(25, 4, 1)
	set(26, 6, -1) // (5, 0)
	got, err := kernel.ComponentSpread(&g, pos, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-1.5) > 1e-9 {
		t.Errorf("ComponentSpread = %v, want 1.5", got)
	}
	one, _ := kernel.FromEdges(3, []kernel.Edge{{A: 0, B: 1}, {A: 1, B: 2}})
	if s, err := kernel.ComponentSpread(&one, pos, 2); err != nil || !math.IsNaN(s) {
		t.Errorf("one component: %v, %v; want NaN", s, err)
	}
	if _, err := kernel.ComponentSpread(&g, pos[:10], 2); err == nil {
		t.Error("short pos accepted")
	}
}
