package cpu

// forcesGroup computes the total force of every node of walk group gi:
// the group's interaction list is gathered once, into worker w's list, and
// summed for each of its nodes. Each node's force depends only on
// positions, so the result is the same whichever worker computes it.
func (k *Kernel) forcesGroup(gi, w int) {
	t := &k.tree
	eps2 := k.p.Softening * k.p.Softening
	list := &k.lists[w]
	g := &t.nodes[t.groups[gi]]
	if k.p.Dims == 2 {
		t.gather2(t.groups[gi], list)
		for s := g.lo; s < g.hi; s++ {
			fx, fy := sum2(list, t.sx[s], t.sy[s], eps2)
			k.finish2(int(t.perm[s]), fx, fy)
		}
		return
	}
	t.gather3(t.groups[gi], list)
	for s := g.lo; s < g.hi; s++ {
		fx, fy, fz := sum3(list, t.sx[s], t.sy[s], t.sz[s], eps2)
		k.finish3(int(t.perm[s]), fx, fy, fz)
	}
}

// forcesExact is the all-pairs reference (Theta == 0) for chunk c of
// the nodes.
func (k *Kernel) forcesExact(c int) {
	n := k.n
	eps2 := k.p.Softening * k.p.Softening
	xs, ys := k.pos[:n], k.pos[n:2*n]
	lo, hi := chunkSpan(c, chunk, n)
	if k.p.Dims == 2 {
		for i := lo; i < hi; i++ {
			px, py := xs[i], ys[i]
			var fx, fy float32
			for j := range xs {
				dx, dy := px-xs[j], py-ys[j]
				f := 1 / (dx*dx + dy*dy + eps2)
				fx += dx * f
				fy += dy * f
			}
			k.finish2(i, fx, fy)
		}
		return
	}
	zs := k.pos[2*n : 3*n]
	for i := lo; i < hi; i++ {
		px, py, pz := xs[i], ys[i], zs[i]
		var fx, fy, fz float32
		for j := range xs {
			dx, dy, dz := px-xs[j], py-ys[j], pz-zs[j]
			inv := 1 / sqrt32(dx*dx+dy*dy+dz*dz+eps2)
			f := inv * inv * inv
			fx += dx * f
			fy += dy * f
			fz += dz * f
		}
		k.finish3(i, fx, fy, fz)
	}
}

// finish3 adds springs and gravity to node i's summed repulsion (without
// RepelK) and stores its force.
func (k *Kernel) finish3(i int, rx, ry, rz float32) {
	n := k.n
	p := &k.p
	pk := k.packed
	me := pk[3*i : 3*i+3 : 3*i+3]
	px, py, pz := me[0], me[1], me[2]
	lo, hi := k.g.RowPtr[i], k.g.RowPtr[i+1]
	cols := k.g.Col[lo:hi]
	ws := k.g.Weight[lo:hi]
	ws = ws[:len(cols)]
	var sx, sy, sz float32
	rest := p.RestLength
	for e, j := range cols {
		q := pk[3*j : 3*j+3 : 3*j+3]
		dx, dy, dz := q[0]-px, q[1]-py, q[2]-pz
		l := sqrt32(dx*dx + dy*dy + dz*dz)
		if l > 0 {
			f := ws[e] * (l - rest) / l
			sx += dx * f
			sy += dy * f
			sz += dz * f
		}
	}
	g, rk, sk := p.CenterGravityK, p.RepelK, p.SpringK
	k.frc[i] = rk*rx + sk*sx - g*px
	k.frc[n+i] = rk*ry + sk*sy - g*py
	k.frc[2*n+i] = rk*rz + sk*sz - g*pz
}

// finish2 is finish3 in 2D.
func (k *Kernel) finish2(i int, rx, ry float32) {
	n := k.n
	p := &k.p
	pk := k.packed
	me := pk[2*i : 2*i+2 : 2*i+2]
	px, py := me[0], me[1]
	lo, hi := k.g.RowPtr[i], k.g.RowPtr[i+1]
	cols := k.g.Col[lo:hi]
	ws := k.g.Weight[lo:hi]
	ws = ws[:len(cols)]
	var sx, sy float32
	rest := p.RestLength
	for e, j := range cols {
		q := pk[2*j : 2*j+2 : 2*j+2]
		dx, dy := q[0]-px, q[1]-py
		l := sqrt32(dx*dx + dy*dy)
		if l > 0 {
			f := ws[e] * (l - rest) / l
			sx += dx * f
			sy += dy * f
		}
	}
	g, rk, sk := p.CenterGravityK, p.RepelK, p.SpringK
	k.frc[i] = rk*rx + sk*sx - g*px
	k.frc[n+i] = rk*ry + sk*sy - g*py
}
