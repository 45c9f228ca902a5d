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
