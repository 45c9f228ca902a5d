package cpu

import "golang.org/x/sys/cpu"

// The assembly sums, 16 or 8 terms at a time, by what the CPU has.
var (
	useAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ
	useAVX    = cpu.X86.HasAVX
)

//go:noescape
func sum3AVX(xs, ys, zs, ms *float32, n int, px, py, pz, eps2 float32) (fx, fy, fz float32)

//go:noescape
func sum3AVX512(xs, ys, zs, ms *float32, n int, px, py, pz, eps2 float32) (fx, fy, fz float32)

//go:noescape
func sum2AVX512(xs, ys, ms *float32, n int, px, py, eps2 float32) (fx, fy float32)

//go:noescape
func sum2AVX(xs, ys, ms *float32, n int, px, py, eps2 float32) (fx, fy float32)

// sum3 is sum3Go, in assembly where the CPU allows.
func sum3(l *ilist, px, py, pz, eps2 float32) (fx, fy, fz float32) {
	n := len(l.x)
	if !useAVX || n == 0 || n%8 != 0 || len(l.y) != n || len(l.z) != n || len(l.m) != n {
		return sum3Go(l, px, py, pz, eps2)
	}
	if useAVX512 && n%16 == 0 {
		return sum3AVX512(&l.x[0], &l.y[0], &l.z[0], &l.m[0], n, px, py, pz, eps2)
	}
	return sum3AVX(&l.x[0], &l.y[0], &l.z[0], &l.m[0], n, px, py, pz, eps2)
}

// sum2 is sum2Go, in assembly where the CPU allows.
func sum2(l *ilist, px, py, eps2 float32) (fx, fy float32) {
	n := len(l.x)
	if !useAVX || n == 0 || n%8 != 0 || len(l.y) != n || len(l.m) != n {
		return sum2Go(l, px, py, eps2)
	}
	if useAVX512 && n%16 == 0 {
		return sum2AVX512(&l.x[0], &l.y[0], &l.m[0], n, px, py, eps2)
	}
	return sum2AVX(&l.x[0], &l.y[0], &l.m[0], n, px, py, eps2)
}
