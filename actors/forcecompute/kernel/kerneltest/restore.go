package kerneltest

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// testSetPositions: SetPositions writes what Positions reads back, in the
// caller's order also after the kernel has renumbered nodes internally
// (Barnes-Hut, Defaults), keeps pins, and rejects bad input changing nothing.
func testSetPositions(t *testing.T, newKernel Factory, dims int) {
	const n = 500
	p := kernel.Defaults()
	p.Dims, p.Workers = dims, 2
	k := mustKernel(t, newKernel, p, BAGraph(n, 2, 4))
	pin := kernel.Pin{Node: 9, X: 7, Y: -7, Z: 3}
	if err := k.SetConstraints(kernel.Constraints{Pins: []kernel.Pin{pin}}); err != nil {
		t.Fatal(err)
	}
	Positions(t, k, 17, n, dims) // renumbered internally by now
	src := make([]float32, dims*n)
	q := p
	q.Seed = 1234
	if err := kernel.InitialPositions(q, 0, n, src); err != nil {
		t.Fatal(err)
	}
	if err := k.SetPositions(src); err != nil {
		t.Fatalf("SetPositions: %v", err)
	}
	if k.KineticEnergy() != 0 {
		t.Errorf("KineticEnergy after SetPositions = %v, want 0", k.KineticEnergy())
	}
	if k.Ticks() != 17 {
		t.Errorf("Ticks after SetPositions = %d, want 17 (unchanged)", k.Ticks())
	}
	got := Positions(t, k, 0, n, dims)
	want := append([]float32(nil), src...)
	xyz := [...]float32{pin.X, pin.Y, pin.Z}
	for c := 0; c < dims; c++ {
		want[c*n+int(pin.Node)] = xyz[c]
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("read back value %d (node %d) = %v, want %v", i, i%n, got[i], want[i])
		}
	}
	bad := append([]float32(nil), src...)
	bad[n+3] = float32(math.NaN())
	for name, c := range map[string]struct {
		src  []float32
		text string
	}{
		"short": {src[:len(src)-1], "len(src)"},
		"long":  {append(append([]float32(nil), src...), 0), "len(src)"},
		"NaN":   {bad, "src[" + strconv.Itoa(n+3) + "]"},
	} {
		err := k.SetPositions(c.src)
		if err == nil || !strings.Contains(err.Error(), c.text) {
			t.Errorf("SetPositions(%s) = %v, want an error naming %s", name, err, c.text)
		}
	}
	after := Positions(t, k, 0, n, dims)
	for i := range after {
		if after[i] != got[i] {
			t.Fatalf("a rejected SetPositions changed value %d", i)
		}
	}
	if err := k.SetTicks(-1); err == nil {
		t.Error("SetTicks(-1) succeeded")
	}
	if !AllFinite(Positions(t, k, 3, n, dims)) {
		t.Error("non-finite positions after SetPositions and Step")
	}
}

// testRestore: a fresh kernel given a layout's graph, constraints,
// positions and tick count continues as the original does after
// SetPositions of its own positions. Theta 0, so the two agree to rounding.
func testRestore(t *testing.T, newKernel Factory, dims int) {
	const n, before, after = 300, 13, 6
	g := BAGraph(n, 2, 8)
	p := exactParams(dims)
	c := kernel.Constraints{
		Pins:      []kernel.Pin{{Node: 4, X: 1, Y: 2, Z: 3}},
		Distances: []kernel.Distance{{A: 10, B: 200, Length: 4}},
	}
	orig := mustKernel(t, newKernel, p, g)
	if err := orig.SetConstraints(c); err != nil {
		t.Fatal(err)
	}
	saved := Positions(t, orig, before, n, dims)
	unreset := Positions(t, orig, 1, n, dims) // one tick with velocities
	if err := orig.SetPositions(saved); err != nil {
		t.Fatal(err)
	}
	if err := orig.SetTicks(before); err != nil {
		t.Fatal(err)
	}
	fresh, err := newKernel(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fresh.Close() })
	if err := fresh.SetPositions(saved); !errors.Is(err, kernel.ErrNoGraph) {
		t.Errorf("SetPositions before Upload: %v, want ErrNoGraph", err)
	}
	if err := fresh.SetTicks(1); !errors.Is(err, kernel.ErrNoGraph) {
		t.Errorf("SetTicks before Upload: %v, want ErrNoGraph", err)
	}
	for _, step := range []func() error{
		func() error { return fresh.Upload(g) },
		func() error { return fresh.SetConstraints(c) },
		func() error { return fresh.SetPositions(saved) },
		func() error { return fresh.SetTicks(before) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if fresh.Ticks() != before {
		t.Errorf("Ticks after SetTicks(%d) = %d", before, fresh.Ticks())
	}
	restored := Positions(t, fresh, 0, n, dims)
	for i := range saved {
		if restored[i] != saved[i] {
			t.Fatalf("restored value %d = %v, want %v", i, restored[i], saved[i])
		}
	}
	// Velocities were reset: a tick from saved differs from the tick the
	// original took with its velocities.
	one := Positions(t, fresh, 1, n, dims)
	if r := maxRelDiff(one, unreset, saved, n, dims); r < 1e-3 {
		t.Errorf("a tick after SetPositions matches one with the old velocities (%.2g): velocities not reset", r)
	}
	want := Positions(t, orig, 1+after, n, dims)
	got := Positions(t, fresh, after, n, dims)
	if orig.Ticks() != fresh.Ticks() {
		t.Errorf("Ticks: original %d, restored %d", orig.Ticks(), fresh.Ticks())
	}
	if r := maxRelDiff(got, want, saved, n, dims); r > 1e-4 {
		t.Errorf("restored kernel strays %.2g of the original's movement, want <= 1e-4", r)
	}
	if a, b := orig.KineticEnergy(), fresh.KineticEnergy(); math.Abs(a-b) > 1e-4*math.Abs(a) {
		t.Errorf("kinetic energy: original %g, restored %g", a, b)
	}
	if err := fresh.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fresh.SetPositions(saved); !errors.Is(err, kernel.ErrClosed) {
		t.Errorf("SetPositions after Close: %v, want ErrClosed", err)
	}
	if err := fresh.SetTicks(1); !errors.Is(err, kernel.ErrClosed) {
		t.Errorf("SetTicks after Close: %v, want ErrClosed", err)
	}
}
