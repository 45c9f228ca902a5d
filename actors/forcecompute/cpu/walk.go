package cpu

import "math"

// gather3 builds the interaction list of group cell gi into *list. A cell
// is accepted when its centre of mass is farther than side/Theta from the
// group's bounding box (so from every node in the group); a leaf that is
// not accepted contributes its nodes. It needs no stack: cells are in
// preorder, so opening a cell moves to the next index and accepting it (or
// listing a leaf) jumps to its next. The list is written by index into its
// preallocated room (sizeLists) and padded to a multiple of 16.
func (t *tree) gather3(gi int32, l *ilist) {
	g := &t.nodes[gi]
	x0, y0, z0 := t.sx[g.lo], t.sy[g.lo], t.sz[g.lo]
	x1, y1, z1 := x0, y0, z0
	for s := g.lo + 1; s < g.hi; s++ {
		x, y, z := t.sx[s], t.sy[s], t.sz[s]
		// lower and higher, not the min and max builtins (which order NaNs).
		x0, x1 = lower(x0, x), higher(x1, x)
		y0, y1 = lower(y0, y), higher(y1, y)
		z0, z1 = lower(z0, z), higher(z1, z)
	}
	xs, ys, zs, ms := l.x[:cap(l.x)], l.y[:cap(l.y)], l.z[:cap(l.z)], l.m[:cap(l.m)]
	n := 0
	nodes := t.nodes
	for i := int32(0); int(i) < len(nodes); {
		nd := &nodes[i]
		// Distance to the box per axis: at most one of the two is positive.
		dx := pos(x0-nd.cx) + pos(nd.cx-x1)
		dy := pos(y0-nd.cy) + pos(nd.cy-y1)
		dz := pos(z0-nd.cz) + pos(nd.cz-z1)
		if dx*dx+dy*dy+dz*dz > nd.open2 {
			xs[n], ys[n], zs[n], ms[n] = nd.cx, nd.cy, nd.cz, nd.mass
			n++
			i = nd.next &^ leafBit
			continue
		}
		if nd.next < 0 {
			for s := nd.lo; s < nd.hi; s++ {
				xs[n], ys[n], zs[n], ms[n] = t.sx[s], t.sy[s], t.sz[s], 1
				n++
			}
			i = nd.next &^ leafBit
			continue
		}
		i++
	}
	for ; n%16 != 0; n++ {
		xs[n], ys[n], zs[n], ms[n] = 0, 0, 0, 0
	}
	l.x, l.y, l.z, l.m = xs[:n], ys[:n], zs[:n], ms[:n]
}

// gather2 is gather3 in 2D.
func (t *tree) gather2(gi int32, l *ilist) {
	g := &t.nodes[gi]
	x0, y0 := t.sx[g.lo], t.sy[g.lo]
	x1, y1 := x0, y0
	for s := g.lo + 1; s < g.hi; s++ {
		x, y := t.sx[s], t.sy[s]
		x0, x1 = lower(x0, x), higher(x1, x)
		y0, y1 = lower(y0, y), higher(y1, y)
	}
	xs, ys, zs, ms := l.x[:cap(l.x)], l.y[:cap(l.y)], l.z[:cap(l.z)], l.m[:cap(l.m)]
	n := 0
	nodes := t.nodes
	for i := int32(0); int(i) < len(nodes); {
		nd := &nodes[i]
		dx := pos(x0-nd.cx) + pos(nd.cx-x1)
		dy := pos(y0-nd.cy) + pos(nd.cy-y1)
		if dx*dx+dy*dy > nd.open2 {
			xs[n], ys[n], zs[n], ms[n] = nd.cx, nd.cy, 0, nd.mass
			n++
			i = nd.next &^ leafBit
			continue
		}
		if nd.next < 0 {
			for s := nd.lo; s < nd.hi; s++ {
				xs[n], ys[n], zs[n], ms[n] = t.sx[s], t.sy[s], 0, 1
				n++
			}
			i = nd.next &^ leafBit
			continue
		}
		i++
	}
	for ; n%16 != 0; n++ {
		xs[n], ys[n], zs[n], ms[n] = 0, 0, 0, 0
	}
	l.x, l.y, l.z, l.m = xs[:n], ys[:n], zs[:n], ms[:n]
}

// pos is max(v, 0) without branches, for v not NaN (-0 gives +0).
func pos(v float32) float32 {
	b := math.Float32bits(v)
	return math.Float32frombits(b &^ uint32(int32(b)>>31))
}
