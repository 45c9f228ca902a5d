package kerneltest

import (
	"errors"
	"math"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Factory builds the kernel under test.
type Factory func(p kernel.Params) (kernel.Kernel, error)

// Run checks a kernel implementation against the contract: lifecycle
// errors, parameter validation by name, the Reference model with Theta 0,
// Barnes-Hut close to exact, degenerate graphs staying finite, determinism,
// pins, distance constraints, re-upload, and SetPositions and SetTicks
// (read back, and a fresh kernel restored from a layout continuing it).
func Run(t *testing.T, newKernel Factory) {
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, newKernel) })
	t.Run("InvalidParams", func(t *testing.T) { testInvalidParams(t, newKernel) })
	for _, dims := range []int{3, 2} {
		name := map[int]string{2: "2D", 3: "3D"}[dims]
		t.Run("MatchesReference/"+name, func(t *testing.T) { testReference(t, newKernel, dims) })
		t.Run("BarnesHutNearExact/"+name, func(t *testing.T) { testBarnesHut(t, newKernel, dims) })
		t.Run("Degenerate/"+name, func(t *testing.T) { testDegenerate(t, newKernel, dims) })
		t.Run("Deterministic/"+name, func(t *testing.T) { testDeterministic(t, newKernel, dims) })
		t.Run("SetPositions/"+name, func(t *testing.T) { testSetPositions(t, newKernel, dims) })
		t.Run("Restore/"+name, func(t *testing.T) { testRestore(t, newKernel, dims) })
	}
	t.Run("Constraints", func(t *testing.T) { testConstraints(t, newKernel) })
	t.Run("Reupload", func(t *testing.T) { testReupload(t, newKernel) })
}

func mustKernel(t *testing.T, newKernel Factory, p kernel.Params, g kernel.Graph) kernel.Kernel {
	t.Helper()
	k, err := newKernel(p)
	if err != nil {
		t.Fatalf("new kernel: %v", err)
	}
	t.Cleanup(func() { k.Close() })
	if err := k.Upload(g); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	return k
}

// Positions steps k and returns its positions.
func Positions(t testing.TB, k kernel.Kernel, ticks, n, dims int) []float32 {
	t.Helper()
	if ticks > 0 {
		if err := k.Step(ticks); err != nil {
			t.Fatalf("Step(%d): %v", ticks, err)
		}
	}
	pos := make([]float32, dims*n)
	if m, err := k.Positions(pos); err != nil || m != len(pos) {
		t.Fatalf("Positions: %d, %v; want %d", m, err, len(pos))
	}
	return pos
}

func testLifecycle(t *testing.T, newKernel Factory) {
	k, err := newKernel(kernel.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if k.Name() == "" {
		t.Error("Name is empty")
	}
	if err := k.Step(1); !errors.Is(err, kernel.ErrNoGraph) {
		t.Errorf("Step before Upload: %v, want ErrNoGraph", err)
	}
	if _, err := k.Positions(make([]float32, 3)); !errors.Is(err, kernel.ErrNoGraph) {
		t.Errorf("Positions before Upload: %v, want ErrNoGraph", err)
	}
	bad := kernel.Graph{Nodes: 2, RowPtr: []int32{0, 1, 2}, Col: []int32{1, 5}}
	if err := k.Upload(bad); err == nil {
		t.Error("Upload of a graph with Col out of range succeeded")
	}
	g, _ := kernel.FromEdges(3, []kernel.Edge{{A: 0, B: 1}, {A: 1, B: 2}})
	if err := k.Upload(g); err != nil {
		t.Fatal(err)
	}
	if err := k.Step(0); err == nil {
		t.Error("Step(0) succeeded")
	}
	if _, err := k.Positions(make([]float32, 2)); err == nil {
		t.Error("Positions into a short slice succeeded")
	}
	if err := k.SetConstraints(kernel.Constraints{Pins: []kernel.Pin{{Node: 3}}}); err == nil {
		t.Error("pin of node 3 in a 3-node graph accepted")
	}
	if err := k.Step(2); err != nil || k.Ticks() != 2 {
		t.Errorf("Step(2): %v, Ticks %d", err, k.Ticks())
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"Upload":         k.Upload(g),
		"SetParams":      k.SetParams(kernel.Defaults()),
		"SetConstraints": k.SetConstraints(kernel.Constraints{}),
		"Step":           k.Step(1),
		"Close":          k.Close(),
	} {
		if !errors.Is(err, kernel.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
	if _, err := k.Positions(make([]float32, 9)); !errors.Is(err, kernel.ErrClosed) {
		t.Errorf("Positions after Close: %v, want ErrClosed", err)
	}
}

// InvalidParams lists one invalid mutation of Defaults per field it names.
var InvalidParams = []struct {
	Field  string
	Mutate func(*kernel.Params)
}{
	{"Dims", func(p *kernel.Params) { p.Dims = 4 }},
	{"DT", func(p *kernel.Params) { p.DT = 0 }},
	{"DT", func(p *kernel.Params) { p.DT = float32(math.Inf(1)) }},
	{"Damping", func(p *kernel.Params) { p.Damping = 1.5 }},
	{"Damping", func(p *kernel.Params) { p.Damping = 0 }},
	{"SpringK", func(p *kernel.Params) { p.SpringK = -1 }},
	{"RestLength", func(p *kernel.Params) { p.RestLength = float32(math.NaN()) }},
	{"RepelK", func(p *kernel.Params) { p.RepelK = -1 }},
	{"Softening", func(p *kernel.Params) { p.Softening = 0 }},
	{"CenterGravityK", func(p *kernel.Params) { p.CenterGravityK = -0.1 }},
	{"MaxForce", func(p *kernel.Params) { p.MaxForce = 0 }},
	{"MaxVelocity", func(p *kernel.Params) { p.MaxVelocity = -3 }},
	{"Theta", func(p *kernel.Params) { p.Theta = -0.5 }},
	{"Theta", func(p *kernel.Params) { p.Theta = 3 }},
	{"WarmupTicks", func(p *kernel.Params) { p.WarmupTicks = -1 }},
	{"Cooling", func(p *kernel.Params) { p.Cooling = 1 }},
	{"AlphaMin", func(p *kernel.Params) { p.AlphaMin = 2 }},
	{"Workers", func(p *kernel.Params) { p.Workers = -2 }},
}

func testInvalidParams(t *testing.T, newKernel Factory) {
	g, _ := kernel.FromEdges(4, []kernel.Edge{{A: 0, B: 1}, {A: 2, B: 3}})
	good := mustKernel(t, newKernel, kernel.Defaults(), g)
	before := Positions(t, good, 1, 4, 3)
	for _, c := range InvalidParams {
		p := kernel.Defaults()
		c.Mutate(&p)
		var pe *kernel.ParamError
		if _, err := newKernel(p); !errors.As(err, &pe) || pe.Name != c.Field {
			t.Errorf("new with bad %s: %v, want *ParamError naming %s", c.Field, err, c.Field)
		}
		if err := good.SetParams(p); !errors.As(err, &pe) || pe.Name != c.Field {
			t.Errorf("SetParams with bad %s: %v, want *ParamError naming %s", c.Field, err, c.Field)
		}
	}
	// Rejected parameters leave the kernel as it was: it keeps stepping in 3D.
	after := Positions(t, good, 0, 4, 3)
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("rejected SetParams moved nodes")
		}
	}
	if err := good.Step(1); err != nil {
		t.Fatal(err)
	}
}

// exactParams are Defaults with exact repulsion and no clamping, so small
// differences in forces show up in the positions.
func exactParams(dims int) kernel.Params {
	p := kernel.Defaults()
	p.Dims = dims
	p.Theta = 0
	p.Workers = 2
	return p
}

// maxRelDiff is max_i |a_i - b_i| over max_i |b_i - base_i|, vectors per
// node: how far a strays from b relative to how far b moved from base.
func maxRelDiff(a, b, base []float32, n, dims int) float64 {
	var diff, move float64
	for i := 0; i < n; i++ {
		var d2, m2 float64
		for c := 0; c < dims; c++ {
			d := float64(a[c*n+i]) - float64(b[c*n+i])
			m := float64(b[c*n+i]) - float64(base[c*n+i])
			d2 += d * d
			m2 += m * m
		}
		diff = math.Max(diff, math.Sqrt(d2))
		move = math.Max(move, math.Sqrt(m2))
	}
	if move == 0 {
		return diff
	}
	return diff / move
}

func testReference(t *testing.T, newKernel Factory, dims int) {
	const n = 80
	g, _ := kernel.FromEdges(n, append(BA(n-2, 2, 3), kernel.Edge{A: 5, B: 6, Weight: 2.5}))
	p := exactParams(dims)
	c := kernel.Constraints{
		Pins:      []kernel.Pin{{Node: 0, X: 1, Y: 2, Z: 3}},
		Distances: []kernel.Distance{{A: 3, B: n - 1, Length: 5, Stiffness: 0.5}},
	}
	base := make([]float32, dims*n)
	kernel.InitialPositions(p, 0, n, base)
	for _, ticks := range []int{1, 5} {
		k := mustKernel(t, newKernel, p, g)
		if err := k.SetConstraints(c); err != nil {
			t.Fatal(err)
		}
		got := Positions(t, k, ticks, n, dims)
		want := Reference(p, g, c, ticks)
		if r := maxRelDiff(got, want, base, n, dims); r > 1e-3 {
			t.Errorf("after %d ticks: kernel strays %.2g of the reference's movement, want <= 1e-3", ticks, r)
		}
	}
}

func testBarnesHut(t *testing.T, newKernel Factory, dims int) {
	const n = 600
	g := BAGraph(n, 2, 9)
	p := exactParams(dims)
	p.SpringK = 0 // repulsion only
	p.MaxForce, p.MaxVelocity = 1e9, 1e9
	base := make([]float32, dims*n)
	kernel.InitialPositions(p, 0, n, base)
	exact := Positions(t, mustKernel(t, newKernel, p, g), 1, n, dims)
	for _, c := range []struct{ theta, tol float32 }{{0.25, 0.01}, {0.5, 0.03}, {1, 0.1}} {
		p.Theta = c.theta
		bh := Positions(t, mustKernel(t, newKernel, p, g), 1, n, dims)
		if r := maxRelDiff(bh, exact, base, n, dims); r > float64(c.tol) {
			t.Errorf("Theta %v: strays %.3g of the exact movement, want <= %v", c.theta, r, c.tol)
		}
	}
}

// AllFinite reports whether every value is finite.
func AllFinite(v []float32) bool {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

func testDegenerate(t *testing.T, newKernel Factory, dims int) {
	// Node 0 has a self-loop (kept in CSR form), 1-2 is a triple edge,
	// 3..9 are isolated, and 10..19 start on one point.
	const n = 20
	edges := []kernel.Edge{{A: 1, B: 2}, {A: 1, B: 2}, {A: 2, B: 1}, {A: 10, B: 11}, {A: 11, B: 12}}
	g, _ := kernel.FromEdges(n, edges)
	g.RowPtr = append([]int32(nil), g.RowPtr...)
	for i := 1; i <= n; i++ {
		g.RowPtr[i]++
	}
	g.Col = append([]int32{0}, g.Col...)
	g.Weight = append([]float32{1}, g.Weight...)
	for _, theta := range []float32{0, 0.8} {
		p := kernel.Defaults()
		p.Dims, p.Theta, p.Softening = dims, theta, 1e-3
		k := mustKernel(t, newKernel, p, g)
		var pins []kernel.Pin
		for i := int32(10); i < n; i++ {
			pins = append(pins, kernel.Pin{Node: i, X: 5, Y: 5, Z: 5})
		}
		if err := k.SetConstraints(kernel.Constraints{Pins: pins}); err != nil {
			t.Fatal(err)
		}
		Positions(t, k, 1, n, dims)
		if err := k.SetConstraints(kernel.Constraints{}); err != nil {
			t.Fatal(err)
		}
		pos := Positions(t, k, 100, n, dims)
		if !AllFinite(pos) {
			t.Errorf("Theta %v: non-finite positions %v", theta, pos)
		}
		if e := k.KineticEnergy(); math.IsNaN(e) || math.IsInf(e, 0) || e < 0 {
			t.Errorf("Theta %v: kinetic energy %v", theta, e)
		}
	}
}

func testDeterministic(t *testing.T, newKernel Factory, dims int) {
	const n = 3000
	g := BAGraph(n, 2, 5)
	p := kernel.Defaults()
	p.Dims, p.Workers, p.Seed = dims, 2, 77
	a := Positions(t, mustKernel(t, newKernel, p, g), 20, n, dims)
	b := Positions(t, mustKernel(t, newKernel, p, g), 20, n, dims)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed and workers, value %d differs: %v vs %v", i, a[i], b[i])
		}
	}
	p.Seed = 78
	c := Positions(t, mustKernel(t, newKernel, p, g), 20, n, dims)
	same := true
	for i := range a {
		same = same && a[i] == c[i]
	}
	if same {
		t.Error("a different seed gave the same layout")
	}
}

func testConstraints(t *testing.T, newKernel Factory) {
	const n = 200
	g := BAGraph(n, 2, 1)
	p := kernel.Defaults()
	k := mustKernel(t, newKernel, p, g)
	c := kernel.Constraints{
		Pins:      []kernel.Pin{{Node: 7, X: 100, Y: -50, Z: 25}},
		Distances: []kernel.Distance{{A: 150, B: 160, Length: 3, Stiffness: 2}},
	}
	if err := k.SetConstraints(c); err != nil {
		t.Fatal(err)
	}
	pos := Positions(t, k, 0, n, 3)
	if pos[7] != 100 || pos[n+7] != -50 || pos[2*n+7] != 25 {
		t.Errorf("pinned node not moved to its pin at once: %v %v %v", pos[7], pos[n+7], pos[2*n+7])
	}
	pos = Positions(t, k, 200, n, 3)
	if pos[7] != 100 || pos[n+7] != -50 || pos[2*n+7] != 25 {
		t.Errorf("pinned node moved: %v %v %v", pos[7], pos[n+7], pos[2*n+7])
	}
	var d2 float64
	for ci := 0; ci < 3; ci++ {
		d := float64(pos[ci*n+150] - pos[ci*n+160])
		d2 += d * d
	}
	if d := math.Sqrt(d2); d > 3*float64(p.RestLength) {
		t.Errorf("distance constraint of length 3 left nodes %.3g apart", d)
	}
}

func testReupload(t *testing.T, newKernel Factory) {
	g1 := BAGraph(100, 2, 1)
	g2 := BAGraph(150, 2, 1)
	k := mustKernel(t, newKernel, kernel.Defaults(), g1)
	before := Positions(t, k, 10, 100, 3)
	if err := k.Upload(g2); err != nil {
		t.Fatal(err)
	}
	if k.Ticks() != 0 {
		t.Errorf("Ticks after Upload = %d, want 0", k.Ticks())
	}
	after := Positions(t, k, 0, 150, 3)
	for c := 0; c < 3; c++ {
		for i := 0; i < 100; i++ {
			if after[c*150+i] != before[c*100+i] {
				t.Fatalf("node %d moved on re-upload", i)
			}
		}
	}
	if !AllFinite(Positions(t, k, 5, 150, 3)) {
		t.Error("non-finite positions after re-upload")
	}
}
