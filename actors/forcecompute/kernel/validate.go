package kernel

import (
	"math"
	"strconv"
)

// maxParam bounds every float parameter so force sums stay finite in float32.
const maxParam = 1e12

// Validate reports the first invalid field of p as a *ParamError naming it.
// It never changes p; Defaults supplies values.
func (p Params) Validate() error {
	if p.Dims != 2 && p.Dims != 3 {
		return &ParamError{Name: "Dims", Value: p.Dims, Reason: "must be 2 or 3"}
	}
	checks := []struct {
		name     string
		v        float32
		min, max float64
		openMin  bool // v must be > min rather than >= min
		openMax  bool // v must be < max rather than <= max
	}{
		{"DT", p.DT, 0, maxParam, true, false},
		{"Damping", p.Damping, 0, 1, true, false},
		{"SpringK", p.SpringK, 0, maxParam, false, false},
		{"RestLength", p.RestLength, 0, maxParam, false, false},
		{"RepelK", p.RepelK, 0, maxParam, false, false},
		{"Softening", p.Softening, 0, maxParam, true, false},
		{"CenterGravityK", p.CenterGravityK, 0, maxParam, false, false},
		{"MaxForce", p.MaxForce, 0, maxParam, true, false},
		{"MaxVelocity", p.MaxVelocity, 0, maxParam, true, false},
		{"Theta", p.Theta, 0, 2, false, false},
		{"Cooling", p.Cooling, 0, 1, false, true},
		{"AlphaMin", p.AlphaMin, 0, 1, false, false},
	}
	for _, c := range checks {
		v := float64(c.v)
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return &ParamError{Name: c.name, Value: c.v, Reason: "must be finite"}
		case v < c.min || (c.openMin && v == c.min):
			return &ParamError{Name: c.name, Value: c.v, Reason: rangeReason(c.min, c.max, c.openMin, c.openMax)}
		case v > c.max || (c.openMax && v == c.max):
			return &ParamError{Name: c.name, Value: c.v, Reason: rangeReason(c.min, c.max, c.openMin, c.openMax)}
		}
	}
	if p.WarmupTicks < 0 {
		return &ParamError{Name: "WarmupTicks", Value: p.WarmupTicks, Reason: "must be >= 0"}
	}
	if p.Workers < 0 || p.Workers > 4096 {
		return &ParamError{Name: "Workers", Value: p.Workers, Reason: "must be in [0, 4096]"}
	}
	return nil
}

func rangeReason(min, max float64, openMin, openMax bool) string {
	lo, hi := "[", "]"
	if openMin {
		lo = "("
	}
	if openMax {
		hi = ")"
	}
	return "must be in " + lo + formatBound(min) + ", " + formatBound(max) + hi
}

func formatBound(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}
