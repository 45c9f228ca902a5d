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
	perm        []int32 // the renumbering being applied
	edges       []int32 // per chunk of nodes: its edges, then its first edge
}

// permute renumbers nodes so that new internal id s is old internal id
// perm[s]; perm must be a permutation of [0, n) that permute does not
// alias. Two parallel phases over chunks of new ids: the first moves
// positions and ids, ranks the old ids and counts edges; the second, once
// every rank is known, writes the relabelled CSR and moves velocities and
// pins into the buffers the first freed.
func (k *Kernel) permute(perm []int32) {
	n, d := k.n, k.p.Dims
	sc := &k.scratch
	if len(sc.rank) != n || len(sc.f32) != d*n || len(sc.col) != len(k.g.Col) || len(sc.edges) != chunks(n, nodeChunk) {
		sc.rank, sc.ids = make([]int32, n), make([]int32, n)
		sc.rowPtr = make([]int32, n+1)
		sc.col, sc.weight = make([]int32, len(k.g.Col)), make([]float32, len(k.g.Col))
		sc.f32 = make([]float32, d*n)
		sc.edges = make([]int32, chunks(n, nodeChunk))
	}
	sc.perm = perm[:n]
	k.parallel(phasePermuteNodes, len(sc.edges))
	k.pos, sc.f32 = sc.f32, k.pos
	k.ext, sc.ids = sc.ids, k.ext
	rank := sc.rank
	for j := range k.icons.Pins {
		p := &k.icons.Pins[j]
		p.Node = rank[p.Node]
	}
	for j := range k.icons.Distances {
		c := &k.icons.Distances[j]
		c.A, c.B = rank[c.A], rank[c.B]
	}
	e := int32(0)
	for c, m := range sc.edges {
		sc.edges[c] = e
		e += m
	}
	sc.rowPtr[0] = 0
	k.parallel(phasePermuteEdges, len(sc.edges))
	k.vel, sc.f32 = sc.f32, k.vel
	k.pinOf, sc.ids = sc.ids, k.pinOf
	g := &k.g
	g.RowPtr, sc.rowPtr = sc.rowPtr, g.RowPtr
	g.Col, sc.col = sc.col, g.Col
	g.Weight, sc.weight = sc.weight, g.Weight
	sc.perm = nil
}

// permuteNodesChunk moves the positions and ids of chunk c of new ids into
// the spare buffers, ranks their old ids and counts their edges.
func (k *Kernel) permuteNodesChunk(c int) {
	n, d := k.n, k.p.Dims
	sc := &k.scratch
	lo, hi := chunkSpan(c, nodeChunk, n)
	perm := sc.perm[lo:hi]
	for j, old := range perm {
		sc.rank[old] = int32(lo + j)
	}
	for dim := 0; dim < d; dim++ {
		src, dst := k.pos[dim*n:(dim+1)*n], sc.f32[dim*n+lo:dim*n+hi]
		for j, old := range perm {
			dst[j] = src[old]
		}
	}
	var edges int32
	rp := k.g.RowPtr
	for j, old := range perm {
		e := k.ext[old]
		sc.ids[lo+j] = e
		k.intl[e] = int32(lo + j)
		edges += rp[old+1] - rp[old]
	}
	sc.edges[c] = edges
}

// permuteEdgesChunk writes the CSR rows of chunk c of new ids, from its
// first edge slot, and moves their velocities and pins into the buffers
// that held the old positions and ids.
func (k *Kernel) permuteEdgesChunk(c int) {
	n, d := k.n, k.p.Dims
	sc := &k.scratch
	lo, hi := chunkSpan(c, nodeChunk, n)
	g := &k.g
	e := sc.edges[c]
	for s := lo; s < hi; s++ {
		old := sc.perm[s]
		for x := g.RowPtr[old]; x < g.RowPtr[old+1]; x++ {
			sc.col[e], sc.weight[e] = sc.rank[g.Col[x]], g.Weight[x]
			e++
		}
		sc.rowPtr[s+1] = e
	}
	perm := sc.perm[lo:hi]
	for dim := 0; dim < d; dim++ {
		src, dst := k.vel[dim*n:(dim+1)*n], sc.f32[dim*n+lo:dim*n+hi]
		for j, old := range perm {
			dst[j] = src[old]
		}
	}
	for j, old := range perm {
		sc.ids[lo+j] = k.pinOf[old]
	}
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
