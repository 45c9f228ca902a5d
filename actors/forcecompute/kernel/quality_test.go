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
