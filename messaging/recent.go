package messaging

// recentSet remembers recently ended IDs, so that a late ack for one of
// them counts as a duplicate rather than unknown. It is a direct-mapped
// cache: an ID lives in the slot its hash picks, and a newer ID
// that picks the same slot evicts it. That costs one store per ended
// message, with no hashing or deletes; the price is that an ID may be
// forgotten before n others have ended.
type recentSet struct {
	slots []ID
	mask  uint64
}

func newRecentSet(n int) recentSet {
	if n <= 0 {
		return recentSet{}
	}
	size := 1
	for size < n {
		size <<= 1
	}
	return recentSet{slots: make([]ID, size), mask: uint64(size - 1)}
}

func (r *recentSet) slot(id ID) *ID {
	return &r.slots[id.hash()&r.mask]
}

func (r *recentSet) add(id ID) {
	if r.slots != nil {
		*r.slot(id) = id
	}
}

func (r *recentSet) has(id ID) bool {
	return r.slots != nil && !id.IsZero() && *r.slot(id) == id
}
