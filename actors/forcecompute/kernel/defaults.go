package kernel

// Defaults returns 3D parameters that give a good layout out of the box on
// the preferential-attachment reference graphs (see docs/performance.md);
// DefaultsFor(2) is their 2D form. CenterGravityK 0.2 holds disconnected
// components near the largest one (TestComponentsStayNear). Cooling 0.04
// with AlphaMin 0.0002 settles in about half the ticks of 0.02 and 0.001,
// at the same quality from cpu.MultilevelStart, which the orchestrator
// uses on large graphs (docs/performance.md, "Settling by default"; from a
// plain start large 2D graphs want the slower cooling).
func Defaults() Params {
	return Params{
		Dims:           3,
		DT:             1,
		Damping:        0.6,
		SpringK:        1,
		RestLength:     10,
		RepelK:         100,
		Softening:      1,
		CenterGravityK: 0.2,
		MaxForce:       100,
		MaxVelocity:    100,
		Theta:          0.9,
		WarmupTicks:    10,
		Cooling:        0.04,
		AlphaMin:       0.0002,
		Seed:           1,
	}
}

// DefaultsFor returns Defaults for dims dimensions. In 2D springs are five
// times longer and repulsion half as strong (RestLength 50, RepelK 50):
// with the 3D values the edges of dense 2D layouts vary far more in length
// (edge_cv 1.07 against 0.58 on a dense block graph) at higher stress; in
// 3D the longer springs raise stress (docs/performance.md, "Settling by
// default"). Any other dims gets Defaults with that Dims, for Validate to
// reject.
func DefaultsFor(dims int) Params {
	p := Defaults()
	p.Dims = dims
	if dims == 2 {
		p.RestLength, p.RepelK = 50, 50
	}
	return p
}
