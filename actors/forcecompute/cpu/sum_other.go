//go:build !amd64

package cpu

func sum3(l *ilist, px, py, pz, eps2 float32) (fx, fy, fz float32) {
	return sum3Go(l, px, py, pz, eps2)
}

func sum2(l *ilist, px, py, eps2 float32) (fx, fy float32) {
	return sum2Go(l, px, py, eps2)
}
