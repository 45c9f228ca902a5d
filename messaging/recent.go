package messaging

// recentSet remembers the last n ended IDs, so that a late ack for one of
// them counts as a duplicate rather than unknown.
type recentSet struct {
	ring []ID
	next int
	n    int
	set  map[ID]struct{}
}

func newRecentSet(n int) recentSet {
	return recentSet{n: n, set: make(map[ID]struct{})}
}

func (r *recentSet) add(id ID) {
	if r.n <= 0 {
		return
	}
	if len(r.ring) < r.n {
		r.ring = append(r.ring, id)
	} else {
		delete(r.set, r.ring[r.next])
		r.ring[r.next] = id
		r.next = (r.next + 1) % r.n
	}
	r.set[id] = struct{}{}
}

func (r *recentSet) has(id ID) bool {
	_, ok := r.set[id]
	return ok
}
