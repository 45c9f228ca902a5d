package kernel

// Defaults returns 3D parameters that give a good layout out of the box on
// the preferential-attachment reference graphs, in 3D and (with Dims 2) in
// 2D (see docs/performance.md). CenterGravityK 0.2 holds disconnected
// components near the largest one (TestComponentsStayNear). Cooling 0.04
// with AlphaMin 0.0002 settles in about half the ticks of 0.02 and 0.001
// at the same quality (docs/performance.md, "Settling by default").
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
