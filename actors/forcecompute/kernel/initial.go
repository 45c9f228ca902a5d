package kernel

import (
	"fmt"
	"math"
)

// InitialPositions writes the starting position of nodes first..n-1 into
// dst (structure of arrays, len >= Dims*n), leaving nodes below first alone.
// Node i gets, from the 64-bit hash h(k) = splitmix64(Seed ^ (uint64(i)<<2 | k)),
// the uniform numbers u_k = float64(h(k)>>11) / 2^53, and then, in float64:
//
//	R     = max(RestLength, 1) * n^(1/Dims)
//	rho   = R * ((i + 0.5) / n)^(1/Dims)
//	2D:   phi = 2*pi*u_0;  x, y = rho*cos(phi), rho*sin(phi)
//	3D:   z = 2*u_0 - 1;  phi = 2*pi*u_1;  s = sqrt(1 - z*z)
//	      x, y, z = rho*s*cos(phi), rho*s*sin(phi), rho*z
//
// Low ids start near the centre (like d3-force's phyllotaxis), so graphs
// whose hubs have low ids, such as preferential-attachment ones, start well.
//
// It reports an error, writing nothing, when Dims is not 2 or 3 or dst is
// too short.
func InitialPositions(p Params, first, n int, dst []float32) error {
	if p.Dims != 2 && p.Dims != 3 {
		return &ParamError{Name: "Dims", Value: p.Dims, Reason: "must be 2 or 3"}
	}
	if n <= 0 {
		return nil
	}
	if len(dst) < p.Dims*n {
		return fmt.Errorf("kernel: InitialPositions: len(dst)=%d, want >= Dims*n=%d", len(dst), p.Dims*n)
	}
	d := float64(p.Dims)
	R := math.Max(float64(p.RestLength), 1) * math.Pow(float64(n), 1/d)
	for i := max(first, 0); i < n; i++ {
		rho := R * math.Pow((float64(i)+0.5)/float64(n), 1/d)
		base := p.Seed ^ uint64(i)<<2 // k = 0; k = 1 flips bit 0 of it
		u0 := float64(splitmix64(base)>>11) / (1 << 53)
		if p.Dims == 2 {
			phi := 2 * math.Pi * u0
			dst[i] = float32(rho * math.Cos(phi))
			dst[n+i] = float32(rho * math.Sin(phi))
			continue
		}
		u1 := float64(splitmix64(base^1)>>11) / (1 << 53)
		z := 2*u0 - 1
		phi := 2 * math.Pi * u1
		s := math.Sqrt(math.Max(0, 1-z*z))
		dst[i] = float32(rho * s * math.Cos(phi))
		dst[n+i] = float32(rho * s * math.Sin(phi))
		dst[2*n+i] = float32(rho * z)
	}
	return nil
}

// splitmix64 is the SplitMix64 output function applied to x + golden gamma.
func splitmix64(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
