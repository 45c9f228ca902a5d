package cpu

// ilist is one worker's interaction list as structure of arrays: cells
// (centre of mass, node count) and single nodes (mass 1). Its length is
// padded to a multiple of 16 with mass-0 terms, which add nothing.
type ilist struct {
	x, y, z, m []float32
}

func (l *ilist) reset() {
	l.x, l.y, l.z, l.m = l.x[:0], l.y[:0], l.z[:0], l.m[:0]
}

func (l *ilist) add(x, y, z, m float32) {
	l.x = append(l.x, x)
	l.y = append(l.y, y)
	l.z = append(l.z, z)
	l.m = append(l.m, m)
}

func (l *ilist) pad() {
	for len(l.m)%16 != 0 {
		l.add(0, 0, 0, 0)
	}
}

// sum3Go is sum over l of m * r/(|r|^2+eps2)^(3/2), r = p - term.
func sum3Go(l *ilist, px, py, pz, eps2 float32) (fx, fy, fz float32) {
	xs, ys, zs, ms := l.x, l.y[:len(l.x)], l.z[:len(l.x)], l.m[:len(l.x)]
	for j := range xs {
		dx, dy, dz := px-xs[j], py-ys[j], pz-zs[j]
		q := dx*dx + dy*dy + dz*dz + eps2
		f := ms[j] / (q * sqrt32(q))
		fx += dx * f
		fy += dy * f
		fz += dz * f
	}
	return fx, fy, fz
}

// sum2Go is sum over l of m * r/(|r|^2+eps2), r = p - term.
func sum2Go(l *ilist, px, py, eps2 float32) (fx, fy float32) {
	xs, ys, ms := l.x, l.y[:len(l.x)], l.m[:len(l.x)]
	for j := range xs {
		dx, dy := px-xs[j], py-ys[j]
		f := ms[j] / (dx*dx + dy*dy + eps2)
		fx += dx * f
		fy += dy * f
	}
	return fx, fy
}
