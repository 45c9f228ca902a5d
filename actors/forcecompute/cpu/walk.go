package cpu

// walk3 sums r/(|r|^2+Softening^2)^(3/2) over the tree for a point at
// (px, py, pz), without the RepelK factor. It needs no stack: cells are in
// preorder, so opening a cell moves to the next index and accepting it (or
// summing a leaf) jumps to its next.
func (k *Kernel) walk3(px, py, pz float32) (fx, fy, fz float32) {
	t := &k.tree
	nodes := t.nodes
	sx, sy, sz := t.sx, t.sy, t.sz
	eps2 := k.p.Softening * k.p.Softening
	for i := int32(0); int(i) < len(nodes); {
		nd := &nodes[i]
		dx, dy, dz := px-nd.cx, py-nd.cy, pz-nd.cz
		d2 := dx*dx + dy*dy + dz*dz
		if d2 > nd.open2 {
			inv := 1 / sqrt32(d2+eps2)
			f := nd.mass * inv * inv * inv
			fx += dx * f
			fy += dy * f
			fz += dz * f
			i = nd.next
			continue
		}
		if nd.next == i+1 {
			for s := nd.lo; s < nd.hi; s++ {
				dx, dy, dz := px-sx[s], py-sy[s], pz-sz[s]
				inv := 1 / sqrt32(dx*dx+dy*dy+dz*dz+eps2)
				f := inv * inv * inv
				fx += dx * f
				fy += dy * f
				fz += dz * f
			}
			i = nd.next
			continue
		}
		i++
	}
	return fx, fy, fz
}

// walk2 is walk3 in 2D: the kernel is r/(|r|^2+Softening^2).
func (k *Kernel) walk2(px, py float32) (fx, fy float32) {
	t := &k.tree
	nodes := t.nodes
	sx, sy := t.sx, t.sy
	eps2 := k.p.Softening * k.p.Softening
	for i := int32(0); int(i) < len(nodes); {
		nd := &nodes[i]
		dx, dy := px-nd.cx, py-nd.cy
		d2 := dx*dx + dy*dy
		if d2 > nd.open2 {
			f := nd.mass / (d2 + eps2)
			fx += dx * f
			fy += dy * f
			i = nd.next
			continue
		}
		if nd.next == i+1 {
			for s := nd.lo; s < nd.hi; s++ {
				dx, dy := px-sx[s], py-sy[s]
				f := 1 / (dx*dx + dy*dy + eps2)
				fx += dx * f
				fy += dy * f
			}
			i = nd.next
			continue
		}
		i++
	}
	return fx, fy
}
