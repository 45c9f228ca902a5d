package cpu

// buildTree sorts the nodes by Morton code and rebuilds the tree arena; the
// workers build it (plan.go) and, when packInBuild is set, also pack the
// positions springs read.
func (k *Kernel) buildTree() {
	if !k.boundsFresh {
		k.emptyBounds()
		k.parallel(phaseBounds, chunks(k.n, nodeChunk))
	}
	d := k.p.Dims
	var lo, hi [3]float32
	for c := 0; c < d; c++ {
		lo[c], hi[c] = k.bounds[c], k.bounds[3+c]
		for w := 1; w < k.workers; w++ {
			lo[c] = min(lo[c], k.bounds[w*6+c])
			hi[c] = max(hi[c], k.bounds[w*6+3+c])
		}
	}
	side := float32(0)
	for c := 0; c < d; c++ {
		side = max(side, hi[c]-lo[c])
	}
	if !(side > 0) {
		side = 1
	}
	t := &k.tree
	t.origin = lo
	t.scale = float32(1<<levels) / side
	th := k.p.Theta
	for l := 0; l <= levels; l++ {
		s := side / float32(uint32(1)<<l) / th
		t.open2[l] = s * s
	}
	k.sortSetup()
	k.parallel(phaseKeys, t.sortChunks)
	k.sortKeys()
	t.packChunks = 0
	if k.packInBuild {
		t.packChunks = chunks(k.n, nodeChunk)
	}
	for t.wide = false; ; t.wide = true {
		t.tasks, t.tops = t.tasks[:0], t.tops[:0]
		t.nodes = t.nodes[:cap(t.nodes)]
		t.nodes = t.nodes[:t.plan(0, int32(k.n), 0)]
		k.parallel(phaseBuild, t.packChunks+len(t.tasks))
		if !t.overflow.Load() || t.wide {
			break
		}
		t.overflow.Store(false)
		t.packChunks = 0 // packed already
	}
	t.finishTops()
}

// boundsChunk grows worker w's box in bounds (min x,y,z then max x,y,z)
// by chunk c of the nodes.
func (k *Kernel) boundsChunk(c, w int) {
	n, d := k.n, k.p.Dims
	lo, hi := chunkSpan(c, nodeChunk, n)
	b := k.bounds[w*6 : w*6+6]
	for c := 0; c < d; c++ {
		mn, mx := b[c], b[3+c]
		for _, v := range k.pos[c*n+lo : c*n+hi] {
			mn, mx = lower(mn, v), higher(mx, v)
		}
		b[c], b[3+c] = mn, mx
	}
}

// keysChunk writes the Morton keys of chunk c of the sort's chunks, sets
// their perm to the identity and counts their first digit.
func (k *Kernel) keysChunk(c int) {
	n := k.n
	lo, hi := chunkSpan(c, k.tree.sortSize, n)
	t := &k.tree
	const top = 1<<levels - 1
	q := func(v, o float32) uint64 {
		f := (v - o) * t.scale
		if !(f > 0) {
			return 0
		}
		if f >= top {
			return top
		}
		return uint64(f)
	}
	for i := lo; i < hi; i++ {
		t.perm[i] = int32(i)
	}
	if k.p.Dims == 2 {
		for i := lo; i < hi; i++ {
			t.keys[i] = spread2(q(k.pos[i], t.origin[0]))<<1 | spread2(q(k.pos[n+i], t.origin[1]))
		}
		k.countChunk(c)
		return
	}
	for i := lo; i < hi; i++ {
		t.keys[i] = spread3(q(k.pos[i], t.origin[0]))<<2 |
			spread3(q(k.pos[n+i], t.origin[1]))<<1 |
			spread3(q(k.pos[2*n+i], t.origin[2]))
	}
	k.countChunk(c)
}

// gatherRange copies the positions of sorted positions [lo, hi) into
// sorted order.
func (k *Kernel) gatherRange(lo, hi int) {
	n := k.n
	t := &k.tree
	for s := lo; s < hi; s++ {
		i := t.perm[s]
		t.sx[s] = k.pos[i]
		t.sy[s] = k.pos[n+int(i)]
	}
	if t.sz != nil {
		for s := lo; s < hi; s++ {
			t.sz[s] = k.pos[2*n+int(t.perm[s])]
		}
	}
}

// packChunk writes chunk c of the interleaved positions springs read: x, y
// and, in 3D, z per node.
func (k *Kernel) packChunk(c int) {
	n := k.n
	lo, hi := chunkSpan(c, nodeChunk, n)
	if k.p.Dims == 2 {
		pk := k.packed[2*lo : 2*hi]
		x, y := k.pos[lo:hi], k.pos[n+lo:n+hi]
		for i := range x {
			pk[2*i], pk[2*i+1] = x[i], y[i]
		}
		return
	}
	pk := k.packed[3*lo : 3*hi]
	x, y, z := k.pos[lo:hi], k.pos[n+lo:n+hi], k.pos[2*n+lo:2*n+hi]
	for i := range x {
		pk[3*i], pk[3*i+1], pk[3*i+2] = x[i], y[i], z[i]
	}
}
