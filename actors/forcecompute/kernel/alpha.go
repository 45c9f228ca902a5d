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

// AlphaTick is the first tick t >= WarmupTicks whose alpha is at most a:
// a kernel set to it with SetTicks goes on cooling from a (a layout
// reheated, or continued from a start found elsewhere). When alpha never
// falls to a (a at or below AlphaMin, or Cooling 0) it is the first tick
// at alpha's floor (WarmupTicks when Cooling is 0).
func AlphaTick(p Params, a float64) int {
	if p.Cooling <= 0 || a >= 1 {
		return p.WarmupTicks
	}
	a = math.Max(a, float64(p.AlphaMin))
	if a <= 0 {
		a = math.SmallestNonzeroFloat64
	}
	// (1-Cooling)^(t-WarmupTicks+1) <= a; start from the closed form,
	// then step to the exact first tick as Alpha computes it.
	k := math.Ceil(math.Log(a) / math.Log(1-float64(p.Cooling)))
	if math.IsInf(k, 0) || math.IsNaN(k) || k > 1e7 {
		k = 1e7
	}
	t := p.WarmupTicks + max(int(k)-1, 0)
	for t > p.WarmupTicks && Alpha(p, t-1) <= a {
		t--
	}
	for Alpha(p, t) > a && t < p.WarmupTicks+1e7 {
		t++
	}
	return t
}
