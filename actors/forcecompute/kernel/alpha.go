package kernel

import "math"

// Alpha is the force scale of tick t (0-based, counted since Upload):
//
//	t < WarmupTicks:  AlphaMin + (1 - AlphaMin) * (t + 1) / WarmupTicks
//	otherwise:        max(AlphaMin, (1 - Cooling)^(t - WarmupTicks + 1))
//
// computed in float64. It is a pure function so every kernel agrees.
func Alpha(p Params, t int) float64 {
	amin := float64(p.AlphaMin)
	if t < p.WarmupTicks {
		return amin + (1-amin)*float64(t+1)/float64(p.WarmupTicks)
	}
	a := math.Pow(1-float64(p.Cooling), float64(t-p.WarmupTicks+1))
	return math.Max(amin, a)
}
