package cpu

// Nodes are kept in an internal order that follows the Morton order of the
// last reorder, so that nodes near in space are near in memory: springs
// then read neighbours from nearby cache lines and the per-tick gathers and
// scatters run almost sequentially. ext and intl translate between the
// caller's ids and internal ones at the API boundary.

// reorderEvery is how often, in ticks, the internal order is refreshed.
const reorderEvery = 8

// reorderScratch holds the spare buffers a renumbering swaps with.
type reorderScratch struct {
	rank, ids   []int32
	rowPtr, col []int32
	weight      []float32
	f32         []float32
}

// permute renumbers nodes so that new internal id s is old internal id
// perm[s]; perm must be a permutation of [0, n) that permute does not alias.
func (k *Kernel) permute(perm []int32) {
	n, d := k.n, k.p.Dims
	sc := &k.scratch
	if len(sc.rank) != n || len(sc.f32) != d*n || len(sc.col) != len(k.g.Col) {
		sc.rank, sc.ids = make([]int32, n), make([]int32, n)
		sc.rowPtr = make([]int32, n+1)
		sc.col, sc.weight = make([]int32, len(k.g.Col)), make([]float32, len(k.g.Col))
		sc.f32 = make([]float32, d*n)
	}
	perm = perm[:n]
	rank := sc.rank
	for s, old := range perm {
		rank[old] = int32(s)
	}
	for c := 0; c < d; c++ {
		src, dst := k.pos[c*n:(c+1)*n], sc.f32[c*n:(c+1)*n]
		for s, old := range perm {
			dst[s] = src[old]
		}
	}
	k.pos, sc.f32 = sc.f32, k.pos
	for c := 0; c < d; c++ {
		src, dst := k.vel[c*n:(c+1)*n], sc.f32[c*n:(c+1)*n]
		for s, old := range perm {
			dst[s] = src[old]
		}
	}
	k.vel, sc.f32 = sc.f32, k.vel
	for s, old := range perm {
		sc.ids[s] = k.ext[old]
	}
	k.ext, sc.ids = sc.ids, k.ext
	for s, e := range k.ext {
		k.intl[e] = int32(s)
	}
	for s, old := range perm {
		sc.ids[s] = k.pinOf[old]
	}
	k.pinOf, sc.ids = sc.ids, k.pinOf
	for j := range k.icons.Pins {
		p := &k.icons.Pins[j]
		p.Node = rank[p.Node]
	}
	for j := range k.icons.Distances {
		c := &k.icons.Distances[j]
		c.A, c.B = rank[c.A], rank[c.B]
	}
	g := &k.g
	rp, col, w := sc.rowPtr, sc.col, sc.weight
	e := int32(0)
	rp[0] = 0
	for s, old := range perm {
		for x := g.RowPtr[old]; x < g.RowPtr[old+1]; x++ {
			col[e], w[e] = rank[g.Col[x]], g.Weight[x]
			e++
		}
		rp[s+1] = e
	}
	g.RowPtr, sc.rowPtr = rp, g.RowPtr
	g.Col, sc.col = col, g.Col
	g.Weight, sc.weight = w, g.Weight
}

// reorder adopts the Morton order of the tree just built as the internal
// order; the tree's permutation becomes the identity.
func (k *Kernel) reorder() {
	t := &k.tree
	k.permute(t.perm)
	for s := range t.perm {
		t.perm[s] = int32(s)
	}
}

// identityGraph makes internal ids equal the caller's again.
func (k *Kernel) identityGraph() {
	k.permute(append([]int32(nil), k.intl...))
}

// unpermute copies per-node values from internal to the caller's order.
func (k *Kernel) unpermute(dst, src []float32) {
	n := k.n
	for c := 0; c*n < len(src) && n > 0; c++ {
		s, d := src[c*n:(c+1)*n], dst[c*n:(c+1)*n]
		for i, e := range k.ext {
			d[e] = s[i]
		}
	}
}
