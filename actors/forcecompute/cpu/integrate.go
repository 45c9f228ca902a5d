package cpu

import "math"

// integratePart clamps, scales and integrates worker w's static share,
// holds pinned nodes, and records the share's kinetic energy.
func (k *Kernel) integratePart(w int) {
	lo, hi := k.span(w, k.n)
	if k.p.Dims == 2 {
		k.keParts[w] = k.integrate2(lo, hi)
	} else {
		k.keParts[w] = k.integrate3(lo, hi)
	}
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

func (k *Kernel) integrate3(lo, hi int) float64 {
	n := k.n
	x, y, z := k.pos[:n], k.pos[n:2*n], k.pos[2*n:3*n]
	vx, vy, vz := k.vel[:n], k.vel[n:2*n], k.vel[2*n:3*n]
	fx, fy, fz := k.frc[:n], k.frc[n:2*n], k.frc[2*n:3*n]
	pinOf := k.pinOf[:n]
	maxV2 := float64(k.p.MaxVelocity) * float64(k.p.MaxVelocity)
	dt, damp := k.p.DT, k.p.Damping
	var ke float64
	for i := lo; i < hi; i++ {
		if pi := pinOf[i]; pi >= 0 {
			pin := &k.icons.Pins[pi]
			x[i], y[i], z[i] = pin.X, pin.Y, pin.Z
			vx[i], vy[i], vz[i] = 0, 0, 0
			continue
		}
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
	return ke
}

func (k *Kernel) integrate2(lo, hi int) float64 {
	n := k.n
	x, y := k.pos[:n], k.pos[n:2*n]
	vx, vy := k.vel[:n], k.vel[n:2*n]
	fx, fy := k.frc[:n], k.frc[n:2*n]
	pinOf := k.pinOf[:n]
	maxV2 := float64(k.p.MaxVelocity) * float64(k.p.MaxVelocity)
	dt, damp := k.p.DT, k.p.Damping
	var ke float64
	for i := lo; i < hi; i++ {
		if pi := pinOf[i]; pi >= 0 {
			pin := &k.icons.Pins[pi]
			x[i], y[i] = pin.X, pin.Y
			vx[i], vy[i] = 0, 0
			continue
		}
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
	return ke
}
