package messaging

// deadlineHeap is a binary min-heap of slab indices ordered by deadline
// (ties by index, so the order is deterministic). Each entry records its
// heap position, so removal of any entry is O(log n).
type deadlineHeap struct {
	idx  []int32
	slab *slab
}

func (h *deadlineHeap) less(a, b int32) bool {
	ea, eb := h.slab.at(a), h.slab.at(b)
	if ea.deadline != eb.deadline {
		return ea.deadline < eb.deadline
	}
	return a < b
}

func (h *deadlineHeap) swap(i, j int) {
	h.idx[i], h.idx[j] = h.idx[j], h.idx[i]
	h.slab.at(h.idx[i]).heapIdx = int32(i)
	h.slab.at(h.idx[j]).heapIdx = int32(j)
}

func (h *deadlineHeap) push(i int32) {
	h.idx = append(h.idx, i)
	h.slab.at(i).heapIdx = int32(len(h.idx) - 1)
	h.up(len(h.idx) - 1)
}

// remove takes out the entry at heap position p.
func (h *deadlineHeap) remove(p int) {
	last := len(h.idx) - 1
	if p != last {
		h.swap(p, last)
	}
	h.slab.at(h.idx[last]).heapIdx = -1
	h.idx = h.idx[:last]
	if p != last {
		h.fix(p)
	}
}

// fix restores the order around position p.
func (h *deadlineHeap) fix(p int) {
	if !h.down(p) {
		h.up(p)
	}
}

func (h *deadlineHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(h.idx[j], h.idx[i]) {
			return
		}
		h.swap(i, j)
		j = i
	}
}

func (h *deadlineHeap) down(i0 int) bool {
	i, n := i0, len(h.idx)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && h.less(h.idx[r], h.idx[l]) {
			j = r
		}
		if !h.less(h.idx[j], h.idx[i]) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}

func (h *deadlineHeap) len() int { return len(h.idx) }

func (h *deadlineHeap) min() int32 { return h.idx[0] }
