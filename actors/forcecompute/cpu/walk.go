package cpu

// gather3 builds the interaction list of group cell gi into *list. A cell
// is accepted when its centre of mass is farther than side/Theta from the
// group's bounding box (so from every node in the group); a leaf that is
// not accepted contributes its nodes. It needs no stack: cells are in
// preorder, so opening a cell moves to the next index and accepting it (or
// listing a leaf) jumps to its next.
func (t *tree) gather3(gi int32, l *ilist) {
	g := &t.nodes[gi]
	x0, y0, z0 := t.sx[g.lo], t.sy[g.lo], t.sz[g.lo]
	x1, y1, z1 := x0, y0, z0
	for s := g.lo + 1; s < g.hi; s++ {
		x0, x1 = min(x0, t.sx[s]), max(x1, t.sx[s])
		y0, y1 = min(y0, t.sy[s]), max(y1, t.sy[s])
		z0, z1 = min(z0, t.sz[s]), max(z1, t.sz[s])
	}
	l.reset()
	nodes := t.nodes
	for i := int32(0); int(i) < len(nodes); {
		nd := &nodes[i]
		dx := max(x0-nd.cx, nd.cx-x1, 0)
		dy := max(y0-nd.cy, nd.cy-y1, 0)
		dz := max(z0-nd.cz, nd.cz-z1, 0)
		if dx*dx+dy*dy+dz*dz > nd.open2 {
			l.add(nd.cx, nd.cy, nd.cz, nd.mass)
			i = nd.next &^ leafBit
			continue
		}
		if nd.next < 0 {
			for s := nd.lo; s < nd.hi; s++ {
				l.add(t.sx[s], t.sy[s], t.sz[s], 1)
			}
			i = nd.next &^ leafBit
			continue
		}
		i++
	}
	l.pad()
}

// gather2 is gather3 in 2D.
func (t *tree) gather2(gi int32, l *ilist) {
	g := &t.nodes[gi]
	x0, y0 := t.sx[g.lo], t.sy[g.lo]
	x1, y1 := x0, y0
	for s := g.lo + 1; s < g.hi; s++ {
		x0, x1 = min(x0, t.sx[s]), max(x1, t.sx[s])
		y0, y1 = min(y0, t.sy[s]), max(y1, t.sy[s])
	}
	l.reset()
	nodes := t.nodes
	for i := int32(0); int(i) < len(nodes); {
		nd := &nodes[i]
		dx := max(x0-nd.cx, nd.cx-x1, 0)
		dy := max(y0-nd.cy, nd.cy-y1, 0)
		if dx*dx+dy*dy > nd.open2 {
			l.add(nd.cx, nd.cy, 0, nd.mass)
			i = nd.next &^ leafBit
			continue
		}
		if nd.next < 0 {
			for s := nd.lo; s < nd.hi; s++ {
				l.add(t.sx[s], t.sy[s], 0, 1)
			}
			i = nd.next &^ leafBit
			continue
		}
		i++
	}
	l.pad()
}
