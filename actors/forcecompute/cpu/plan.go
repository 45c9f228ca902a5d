package cpu

// The tree is built in parallel. A short serial descent from the root (plan)
// splits the sorted order into tasks: subtrees of at most cut nodes, or
// leaves, or cells of coincident keys. Each task gets its own region of the
// arena, and the cells above the tasks (tops) sit just before their first
// child, so the arena holds the same preorder as a serial build, with
// unused gaps that next jumps over. Workers take tasks from a counter and build each
// into its region; then the tops' centres of mass are summed bottom-up,
// serially, from their children in order. Cells hold the same values, and
// walks visit them in the same order, whatever the worker count.
//
// A region first gets m+1 cells for m nodes (trees of layouts have about
// half a cell per node, and arena pages never written cost no memory); a
// subtree of m nodes may have up to 2m-1 cells, so if a task runs out of
// room the build is planned again with 2m per task and run again.

const (
	cutMin   = 4 * groupMax // least task split size; above groupMax, so tops are never groups
	cutParts = 128          // a task holds at most about n/cutParts nodes
)

// task is one subtree built by a worker.
type task struct {
	lo, hi int32 // its nodes, as positions in the sorted order
	base   int32 // first cell of its region
	size   int32 // cells in its region
	groups int32 // walk groups found, recorded in grp[lo:lo+groups]
}

// reserve is the region size for a task of m nodes.
func (t *tree) reserve(m int32) int32 {
	if t.wide {
		return 2 * m
	}
	return m + 1
}

// plan lays out the cells above the tasks over sorted positions [lo, hi)
// from cell index at, and returns the index after the layout.
func (t *tree) plan(lo, hi, at int32) int32 {
	lv := t.level(t.keys[lo], t.keys[hi-1])
	if hi-lo <= t.cut || lv == levels {
		r := t.reserve(hi - lo)
		t.tasks = append(t.tasks, task{lo: lo, hi: hi, base: at, size: r})
		return at + r
	}
	t.tops = append(t.tops, at)
	t.nodes[at] = node{lo: lo, hi: hi, open2: t.open2[lv]}
	end := at + 1
	shift := t.dbits * uint(levels-1-lv)
	mask := uint64(1)<<t.dbits - 1
	for start := lo; start < hi; {
		a := t.digitEnd(start, hi, shift, mask)
		end = t.plan(start, a, end)
		start = a
	}
	t.nodes[at].next = end
	return end
}

// buildTask gathers the sorted positions of task i and builds its subtree,
// or records in t.overflow that its region is too small.
func (k *Kernel) buildTask(i int) {
	t := &k.tree
	tk := &t.tasks[i]
	k.gatherRange(int(tk.lo), int(tk.hi))
	end := tk.base + tk.size
	b := builder{t: t, cur: tk.base, end: end, groups: t.grp[tk.lo:tk.lo:tk.hi]}
	if b.build(tk.lo, tk.hi, false, end) < 0 {
		t.overflow.Store(true)
	}
	tk.groups = int32(len(b.groups))
}

// buildChunk is chunk c of the build phase: the first packChunks pack the
// positions springs read, the others build tasks.
func (k *Kernel) buildChunk(c int) {
	t := &k.tree
	if c < t.packChunks {
		k.packChunk(c)
		return
	}
	k.buildTask(c - t.packChunks)
}

// finishTops sums the centres of mass of the cells above the tasks,
// children before parents, and lists the walk groups in preorder.
func (t *tree) finishTops() {
	for j := len(t.tops) - 1; j >= 0; j-- {
		idx := t.tops[j]
		nd := &t.nodes[idx]
		var mx, my, mz, m float32
		for c := idx + 1; c != nd.next; {
			ch := &t.nodes[c]
			mx += ch.cx * ch.mass
			my += ch.cy * ch.mass
			mz += ch.cz * ch.mass
			m += ch.mass
			c = ch.after()
		}
		nd.cx, nd.cy, nd.cz, nd.mass = mx/m, my/m, mz/m, m
	}
	t.groups = t.groups[:0]
	for _, tk := range t.tasks {
		t.groups = append(t.groups, t.grp[tk.lo:tk.lo+tk.groups]...)
	}
}
