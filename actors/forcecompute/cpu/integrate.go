package cpu

import "math"

// integrateNodes is the number of nodes in one chunk of the integration.
const integrateNodes = 1024

// integrateChunk clamps, scales and integrates chunk c of the nodes, holds
// pinned nodes, records the chunk's kinetic energy in keParts, so that
// their sum in chunk order does not depend on the worker count, and grows
// worker w's box in bounds by the new positions, for the next tick's tree.
func (k *Kernel) integrateChunk(c, w int) {
	lo, hi := chunkSpan(c, integrateNodes, k.n)
	bw := k.bounds[w*6 : w*6+6]
	b := box{[3]float32{bw[0], bw[1], bw[2]}, [3]float32{bw[3], bw[4], bw[5]}}
	k.keParts[c] = k.integrate(lo, hi, &b)
	copy(bw[:3], b.lo[:])
	copy(bw[3:], b.hi[:])
}

// emptyBounds sets every worker's box in bounds to the empty box.
func (k *Kernel) emptyBounds() {
	e := emptyBox()
	for w := range k.workers {
		copy(k.bounds[w*6:w*6+3], e.lo[:])
		copy(k.bounds[w*6+3:w*6+6], e.hi[:])
	}
}

// box is a bounding box being grown.
type box struct{ lo, hi [3]float32 }

// lower and higher are min and max for values that are not NaN; the
// builtins also order NaNs and signed zeros, at several times the cost.
func lower(a, b float32) float32 {
	if b < a {
		return b
	}
	return a
}

func higher(a, b float32) float32 {
	if b > a {
		return b
	}
	return a
}

func emptyBox() box {
	inf := float32(math.Inf(1))
	return box{[3]float32{inf, inf, inf}, [3]float32{-inf, -inf, -inf}}
}

// integrate integrates nodes [lo, hi) from their forces, grows b by their
// new positions, and returns their kinetic energy.
func (k *Kernel) integrate(lo, hi int, b *box) float64 {
	if k.p.Dims == 2 {
		return k.integrate2(lo, hi, b)
	}
	return k.integrate3(lo, hi, b)
}

// forceScale is alpha times the MaxForce clamp for |F|^2 = f2, or 0 when
// f2 is not finite.
func (k *Kernel) forceScale(f2 float64) float32 {
	maxF := float64(k.p.MaxForce)
	switch {
	case f2 <= maxF*maxF:
		return k.alpha
	case f2 <= math.MaxFloat64:
		return k.alpha * float32(maxF/math.Sqrt(f2))
	}
	return 0 // NaN or Inf
}

func (k *Kernel) integrate3(lo, hi int, b *box) float64 {
	n := k.n
	x, y, z := k.pos[:n], k.pos[n:2*n], k.pos[2*n:3*n]
	vx, vy, vz := k.vel[:n], k.vel[n:2*n], k.vel[2*n:3*n]
	fx, fy, fz := k.frc[:n], k.frc[n:2*n], k.frc[2*n:3*n]
	pinOf := k.pinOf[:n]
	maxV2 := float64(k.p.MaxVelocity) * float64(k.p.MaxVelocity)
	dt, damp := k.p.DT, k.p.Damping
	x0, y0, z0 := b.lo[0], b.lo[1], b.lo[2]
	x1, y1, z1 := b.hi[0], b.hi[1], b.hi[2]
	var ke float64
	for i := lo; i < hi; i++ {
		if pi := pinOf[i]; pi >= 0 {
			pin := &k.icons.Pins[pi]
			x[i], y[i], z[i] = pin.X, pin.Y, pin.Z
			vx[i], vy[i], vz[i] = 0, 0, 0
		} else {
			f0, f1, f2 := fx[i], fy[i], fz[i]
			fs := k.forceScale(float64(f0)*float64(f0) + float64(f1)*float64(f1) + float64(f2)*float64(f2))
			if fs == 0 {
				f0, f1, f2 = 0, 0, 0
			}
			u0 := (vx[i] + f0*fs*dt) * damp
			u1 := (vy[i] + f1*fs*dt) * damp
			u2 := (vz[i] + f2*fs*dt) * damp
			v2 := float64(u0)*float64(u0) + float64(u1)*float64(u1) + float64(u2)*float64(u2)
			if v2 > maxV2 {
				s := float32(float64(k.p.MaxVelocity) / math.Sqrt(v2))
				u0, u1, u2 = u0*s, u1*s, u2*s
				v2 = float64(u0)*float64(u0) + float64(u1)*float64(u1) + float64(u2)*float64(u2)
			}
			vx[i], vy[i], vz[i] = u0, u1, u2
			x[i] += u0 * dt
			y[i] += u1 * dt
			z[i] += u2 * dt
			ke += 0.5 * v2
		}
		x0, x1 = lower(x0, x[i]), higher(x1, x[i])
		y0, y1 = lower(y0, y[i]), higher(y1, y[i])
		z0, z1 = lower(z0, z[i]), higher(z1, z[i])
	}
	b.lo, b.hi = [3]float32{x0, y0, z0}, [3]float32{x1, y1, z1}
	return ke
}

func (k *Kernel) integrate2(lo, hi int, b *box) float64 {
	n := k.n
	x, y := k.pos[:n], k.pos[n:2*n]
	vx, vy := k.vel[:n], k.vel[n:2*n]
	fx, fy := k.frc[:n], k.frc[n:2*n]
	pinOf := k.pinOf[:n]
	maxV2 := float64(k.p.MaxVelocity) * float64(k.p.MaxVelocity)
	dt, damp := k.p.DT, k.p.Damping
	x0, y0 := b.lo[0], b.lo[1]
	x1, y1 := b.hi[0], b.hi[1]
	var ke float64
	for i := lo; i < hi; i++ {
		if pi := pinOf[i]; pi >= 0 {
			pin := &k.icons.Pins[pi]
			x[i], y[i] = pin.X, pin.Y
			vx[i], vy[i] = 0, 0
		} else {
			f0, f1 := fx[i], fy[i]
			fs := k.forceScale(float64(f0)*float64(f0) + float64(f1)*float64(f1))
			if fs == 0 {
				f0, f1 = 0, 0
			}
			u0 := (vx[i] + f0*fs*dt) * damp
			u1 := (vy[i] + f1*fs*dt) * damp
			v2 := float64(u0)*float64(u0) + float64(u1)*float64(u1)
			if v2 > maxV2 {
				s := float32(float64(k.p.MaxVelocity) / math.Sqrt(v2))
				u0, u1 = u0*s, u1*s
				v2 = float64(u0)*float64(u0) + float64(u1)*float64(u1)
			}
			vx[i], vy[i] = u0, u1
			x[i] += u0 * dt
			y[i] += u1 * dt
			ke += 0.5 * v2
		}
		x0, x1 = lower(x0, x[i]), higher(x1, x[i])
		y0, y1 = lower(y0, y[i]), higher(y1, y[i])
	}
	b.lo[0], b.lo[1], b.hi[0], b.hi[1] = x0, y0, x1, y1
	return ke
}
