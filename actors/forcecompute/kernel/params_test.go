package kernel_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

func TestDefaultsValid(t *testing.T) {
	p := kernel.Defaults()
	if err := p.Validate(); err != nil {
		t.Fatalf("Defaults invalid: %v", err)
	}
	if p.Dims != 3 {
		t.Errorf("Defaults Dims = %d, want 3", p.Dims)
	}
}

// TestDefaultsFor: 3D is Defaults; 2D differs from it only in
// RestLength and RepelK; both valid.
func TestDefaultsFor(t *testing.T) {
	if p := kernel.DefaultsFor(3); p != kernel.Defaults() {
		t.Errorf("DefaultsFor(3) = %+v, want Defaults", p)
	}
	p := kernel.DefaultsFor(2)
	if err := p.Validate(); err != nil || p.Dims != 2 || p.RestLength != 50 || p.RepelK != 50 {
		t.Errorf("DefaultsFor(2) = %+v (%v)", p, err)
	}
	p.Dims, p.RestLength, p.RepelK = 3, 10, 100
	if p != kernel.Defaults() {
		t.Errorf("DefaultsFor(2) differs from Defaults in more than RestLength and RepelK: %+v", p)
	}
}

func TestValidateNamesField(t *testing.T) {
	for _, c := range kerneltest.InvalidParams {
		p := kernel.Defaults()
		c.Mutate(&p)
		err := p.Validate()
		var pe *kernel.ParamError
		if !errors.As(err, &pe) || pe.Name != c.Field {
			t.Errorf("%s: Validate = %v, want *ParamError naming it", c.Field, err)
			continue
		}
		if !strings.Contains(err.Error(), c.Field+"=") {
			t.Errorf("%s: message %q does not name the field", c.Field, err)
		}
	}
}

func TestValidateBoundaries(t *testing.T) {
	p := kernel.Defaults()
	p.Damping, p.Theta, p.Cooling, p.AlphaMin, p.SpringK, p.WarmupTicks = 1, 0, 0, 0, 0, 0
	if err := p.Validate(); err != nil {
		t.Errorf("inclusive bounds rejected: %v", err)
	}
	p.Theta = 2
	if err := p.Validate(); err != nil {
		t.Errorf("Theta 2 rejected: %v", err)
	}
}

func TestAlpha(t *testing.T) {
	p := kernel.Params{WarmupTicks: 4, Cooling: 0.5, AlphaMin: 0.2}
	want := []float64{0.4, 0.6, 0.8, 1, 0.5, 0.25, 0.2, 0.2}
	for tick, w := range want {
		if a := kernel.Alpha(p, tick); a < w-1e-7 || a > w+1e-7 { // AlphaMin is float32
			t.Errorf("Alpha(t=%d) = %v, want %v", tick, a, w)
		}
	}
	p = kernel.Params{Cooling: 0, AlphaMin: 0}
	if a := kernel.Alpha(p, 1000); a != 1 {
		t.Errorf("no warm-up, no cooling: Alpha = %v, want 1", a)
	}
}

// TestAlphaTick: the first tick after warm-up at or below an alpha, from
// hand-computed schedules and for Defaults over a range of levels.
func TestAlphaTick(t *testing.T) {
	p := kernel.Params{WarmupTicks: 4, Cooling: 0.5, AlphaMin: 0.2} // alphas from tick 4: 0.5, 0.25, 0.2, ...
	for _, c := range []struct {
		a    float64
		want int
	}{{1, 4}, {0.5, 4}, {0.3, 5}, {0.25, 5}, {0.21, 6}, {0.1, 6}, {0, 6}} {
		if got := kernel.AlphaTick(p, c.a); got != c.want {
			t.Errorf("AlphaTick(%v) = %d, want %d", c.a, got, c.want)
		}
	}
	if got := kernel.AlphaTick(kernel.Params{WarmupTicks: 3}, 0.1); got != 3 {
		t.Errorf("no cooling: AlphaTick = %d, want WarmupTicks 3", got)
	}
	d := kernel.Defaults()
	for _, a := range []float64{0.9, 0.5, 0.1, 0.0123, 0.001} {
		tk := kernel.AlphaTick(d, a)
		if kernel.Alpha(d, tk) > a || tk > d.WarmupTicks && kernel.Alpha(d, tk-1) <= a {
			t.Errorf("Defaults: AlphaTick(%v) = %d, alpha there %v, before %v", a, tk, kernel.Alpha(d, tk), kernel.Alpha(d, tk-1))
		}
	}
}
