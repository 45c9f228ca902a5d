package cpu

import (
	"math/bits"
	"sync/atomic"
)

const (
	levels   = 16  // tree depth cut-off: Morton keys use 16 bits per dimension
	leafSize = 8   // a cell with at most this many nodes is a leaf
	groupMax = 256 // nodes walked together share one interaction list
)

// node is one Barnes-Hut cell. Cells are stored in depth-first preorder, so
// a cell's first child is the next cell and next skips its subtree. The
// arena may have unused gaps between subtrees built by different workers
// (see plan.go); next jumps over them, and a walk reaches only cells.
type node struct {
	cx, cy, cz float32 // centre of mass
	mass       float32 // node count
	open2      float32 // (side/Theta)^2: accept the cell when d^2 > open2
	next       int32   // index of the cell after this subtree, | leafBit for a leaf
	lo, hi     int32   // its nodes, as positions in the sorted order
}

// leafBit marks a leaf in node.next; next &^ leafBit is the index.
const leafBit = -1 << 31

// leaf reports whether the cell is a leaf.
func (nd *node) leaf() bool { return nd.next < 0 }

// after is the index of the cell after the subtree.
func (nd *node) after() int32 { return nd.next &^ leafBit }

// tree is the reused arena and the Morton-sorted copy of the positions.
type tree struct {
	nodes      []node
	keys, tmpK []uint64
	perm, tmpP []int32 // perm[s] is the node at sorted position s
	sx, sy, sz []float32
	groups     []int32             // cells of at most groupMax nodes whose parent has more
	tasks      []task              // subtrees built by the workers, in preorder
	tops       []int32             // the cells above them, in preorder
	grp        []int32             // a task over [lo, hi) records its groups in grp[lo:hi]
	cut        int32               // a cell of more nodes is split among tasks
	wide       bool                // tasks get 2 cells per node (see plan.go)
	overflow   atomic.Bool         // a task ran out of room
	packChunks int                 // chunks of the build phase that pack positions
	open2      [levels + 1]float32 // by level
	dbits      uint                // bits per level: Dims
	origin     [3]float32          // low corner of the root cell
	scale      float32             // 2^levels / root side
	shift      uint                // the radix sort's current digit
	sortSize   int                 // and its chunk size
	sortChunks int                 // and chunk count
}

func (t *tree) alloc(n, dims int) {
	t.cut = int32(max(cutMin, n/cutParts))
	// Each task reserves at most 2 cells per node (plan.go). The cells
	// above the tasks have more than cut nodes each and lie below level
	// levels, and those of one level are disjoint, so there are fewer than
	// levels*(n/cut+1) of them (chains of them, one level each, are
	// possible: TestParallelBuildMatchesSerial's big peeled clumps); each
	// has at most 2^dims children.
	tops := levels * (n/int(t.cut) + 1)
	t.nodes = make([]node, 2*n+tops)
	t.groups = make([]int32, 0, n)
	t.grp = make([]int32, n)
	t.tasks = make([]task, 0, (1<<dims)*tops+1)
	t.tops = make([]int32, 0, tops)
	t.keys, t.tmpK = make([]uint64, n), make([]uint64, n)
	t.perm, t.tmpP = make([]int32, n), make([]int32, n)
	t.sx, t.sy = make([]float32, n), make([]float32, n)
	t.sz = nil
	if dims == 3 {
		t.sz = make([]float32, n)
	}
	t.dbits = uint(dims)
}

// spread2 moves bit b of v to bit 2b.
func spread2(v uint64) uint64 {
	v &= 0xffff
	v = (v | v<<8) & 0x00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f
	v = (v | v<<2) & 0x33333333
	v = (v | v<<1) & 0x55555555
	return v
}

// spread3 moves bit b of v to bit 3b.
func spread3(v uint64) uint64 {
	v &= 0xffff
	v = (v | v<<16) & 0x0000ff0000ff
	v = (v | v<<8) & 0x00f00f00f00f
	v = (v | v<<4) & 0x0c30c30c30c3
	v = (v | v<<2) & 0x249249249249
	return v
}

// radixBits is the digit width of the key sort: 4 passes for 3D keys
// (48 bits), 3 for 2D ones (32 bits).
const radixBits = 12

// parallelSortMin is the least node count sorted by all workers; below it
// a pass is too short to pay for two more hand-offs to the workers.
const parallelSortMin = 32768

// sortChunkSize is the number of keys in one chunk of the sort; below
// parallelSortMin the sort is one chunk.
const sortChunkSize = 16384

// sortChunk is the chunk size of a sort of n keys.
func sortChunk(n int) int {
	if n < parallelSortMin {
		return max(n, 1)
	}
	return sortChunkSize
}

// sortSetup chooses the sort's chunks and first digit, before the keys
// are written.
func (k *Kernel) sortSetup() {
	t := &k.tree
	t.sortSize = sortChunk(len(t.keys))
	t.sortChunks = chunks(len(t.keys), t.sortSize)
	t.shift = 0
}

// sortKeys sorts perm by keys with a least-significant-digit radix sort,
// skipping digits in which every key agrees. Ties keep index order. Each
// pass is parallel (from parallelSortMin nodes): workers count the digits
// of fixed chunks of the keys, a serial prefix sum gives every (chunk,
// digit) its first output slot, and workers scatter the chunks in order,
// so the result does not depend on the worker count. The keys phase has
// set perm to the identity and counted the first digit, after sortSetup.
func (k *Kernel) sortKeys() {
	const buckets = 1 << radixBits
	t := &k.tree
	n := int32(len(t.keys))
	passes := (levels*int(t.dbits) + radixBits - 1) / radixBits
	for b := 0; b < passes; b++ {
		t.shift = uint(radixBits * b)
		if b > 0 {
			k.parallel(phaseCount, t.sortChunks)
		}
		if k.oneDigit(n) {
			continue
		}
		var sum int32
		hist := k.hist[:t.sortChunks]
		for d := 0; d < buckets; d++ {
			for c := range hist {
				h := &hist[c]
				v := h[d]
				h[d] = sum
				sum += v
			}
		}
		k.parallel(phaseScatter, t.sortChunks)
		t.keys, t.tmpK = t.tmpK, t.keys
		t.perm, t.tmpP = t.tmpP, t.perm
	}
}

// oneDigit reports whether all n keys share the digit just counted.
func (k *Kernel) oneDigit(n int32) bool {
	for d := 0; d < 1<<radixBits; d++ {
		var tot int32
		for c := range k.tree.sortChunks {
			tot += k.hist[c][d]
		}
		if tot != 0 {
			return tot == n
		}
	}
	return false
}

// countChunk counts the current digit of chunk c of the keys.
func (k *Kernel) countChunk(c int) {
	t := &k.tree
	lo, hi := chunkSpan(c, t.sortSize, len(t.keys))
	h := &k.hist[c]
	*h = [1 << radixBits]int32{}
	sh := t.shift
	for _, key := range t.keys[lo:hi] {
		h[(key>>sh)&(1<<radixBits-1)]++
	}
}

// scatterChunk moves chunk c of keys and perm to their slots in tmpK and
// tmpP.
func (k *Kernel) scatterChunk(c int) {
	t := &k.tree
	lo, hi := chunkSpan(c, t.sortSize, len(t.keys))
	h := &k.hist[c]
	sh := t.shift
	keys, perm, tk, tp := t.keys[lo:hi], t.perm[lo:hi], t.tmpK, t.tmpP
	perm = perm[:len(keys)]
	for i, key := range keys {
		d := (key >> sh) & (1<<radixBits - 1)
		o := h[d]
		h[d] = o + 1
		tk[o], tp[o] = key, perm[i]
	}
}

// level is the depth of the smallest cell holding keys a and b.
func (t *tree) level(a, b uint64) int {
	if a == b {
		return levels
	}
	lz := bits.LeadingZeros64(a^b) - (64 - levels*int(t.dbits))
	return lz / int(t.dbits)
}

// builder builds one subtree into its own region of the arena, so that
// workers build disjoint subtrees at once.
type builder struct {
	t      *tree
	cur    int32   // next free cell of the region
	end    int32   // the region's end
	groups []int32 // the walk groups found, in preorder
}

// build writes the cell over sorted positions [lo, hi) at b.cur, then its
// subtree, and returns its index, recording the walk groups below it unless
// grouped (an ancestor is a group). Cells with one child are skipped, so
// every inner cell has at least two children and there are at most
// 2(hi-lo)-1 cells. after is the index of the cell that follows this
// subtree in preorder, or -1 when it is the next free cell (b.cur once the
// subtree is written). It returns -1 if the region is too small.
func (b *builder) build(lo, hi int32, grouped bool, after int32) int32 {
	t := b.t
	idx := b.cur
	if idx == b.end {
		return -1
	}
	b.cur++
	t.nodes[idx] = node{lo: lo, hi: hi}
	if !grouped && hi-lo <= groupMax {
		b.groups = append(b.groups, idx)
		grouped = true
	}
	lv := t.level(t.keys[lo], t.keys[hi-1])
	if hi-lo <= leafSize || lv == levels {
		var sx, sy, sz float32
		for s := lo; s < hi; s++ {
			sx += t.sx[s]
			sy += t.sy[s]
		}
		if t.sz != nil {
			for s := lo; s < hi; s++ {
				sz += t.sz[s]
			}
		}
		m := float32(hi - lo)
		nd := &t.nodes[idx]
		nd.cx, nd.cy, nd.cz, nd.mass = sx/m, sy/m, sz/m, m
		nd.open2 = t.open2[lv]
		if after < 0 {
			after = idx + 1
		}
		nd.next = after | leafBit
		return idx
	}
	shift := t.dbits * uint(levels-1-lv)
	mask := uint64(1)<<t.dbits - 1
	var mx, my, mz, m float32
	for start := lo; start < hi; {
		a := t.digitEnd(start, hi, shift, mask)
		ca := int32(-1)
		if a == hi {
			ca = after
		}
		c := b.build(start, a, grouped, ca)
		if c < 0 {
			return -1
		}
		ch := &t.nodes[c]
		mx += ch.cx * ch.mass
		my += ch.cy * ch.mass
		mz += ch.cz * ch.mass
		m += ch.mass
		start = a
	}
	nd := &t.nodes[idx]
	nd.cx, nd.cy, nd.cz, nd.mass = mx/m, my/m, mz/m, m
	nd.open2 = t.open2[lv]
	if after < 0 {
		after = b.cur
	}
	nd.next = after
	return idx
}

// digitEnd is the first sorted position in (start, hi) whose key digit
// (key>>shift)&mask exceeds that of start, or hi.
func (t *tree) digitEnd(start, hi int32, shift uint, mask uint64) int32 {
	d := (t.keys[start] >> shift) & mask
	a, b := start+1, hi
	for a < b {
		mid := int32(uint32(a+b) >> 1)
		if (t.keys[mid]>>shift)&mask > d {
			b = mid
		} else {
			a = mid + 1
		}
	}
	return a
}
