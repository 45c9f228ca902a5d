package cpu

import (
	"math/rand/v2"
	"testing"
)

// TestSumAssemblyVariants checks each assembly width the CPU supports, so
// the 8-wide path is covered on CPUs that would pick the 16-wide one.
func TestSumAssemblyVariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var l ilist
	for j := 0; j < 95; j++ {
		l.add(rng.Float32()*50-25, rng.Float32()*50-25, rng.Float32()*50-25, float32(rng.IntN(9)))
	}
	l.pad()
	n := len(l.x)
	const px, py, pz, eps2 = 0.5, -1, 2, 1
	gx, gy, gz := sum3Go(&l, px, py, pz, eps2)
	hx, hy := sum2Go(&l, px, py, eps2)
	check := func(name string, x, y, z, wx, wy, wz float32) {
		t.Helper()
		if !close32(x, wx, 1e-4, wx, wy, wz) || !close32(y, wy, 1e-4, wx, wy, wz) || !close32(z, wz, 1e-4, wx, wy, wz) {
			t.Errorf("%s: %v %v %v, want %v %v %v", name, x, y, z, wx, wy, wz)
		}
	}
	if useAVX {
		x, y, z := sum3AVX(&l.x[0], &l.y[0], &l.z[0], &l.m[0], n, px, py, pz, eps2)
		check("sum3AVX", x, y, z, gx, gy, gz)
		x, y = sum2AVX(&l.x[0], &l.y[0], &l.m[0], n, px, py, eps2)
		check("sum2AVX", x, y, 0, hx, hy, 0)
	}
	if useAVX512 {
		x, y, z := sum3AVX512(&l.x[0], &l.y[0], &l.z[0], &l.m[0], n, px, py, pz, eps2)
		check("sum3AVX512", x, y, z, gx, gy, gz)
		x, y = sum2AVX512(&l.x[0], &l.y[0], &l.m[0], n, px, py, eps2)
		check("sum2AVX512", x, y, 0, hx, hy, 0)
	}
}
