package messaging

// idIndex finds a pending message's slab slot by its ID: an open-addressing
// table with linear probing, at most half full, and deletion by backward
// shift (no tombstones). Each slot holds 32 bits of the ID's hash (the tag,
// whose top bits are also the slot's home position) and the slab slot + 1
// (0: empty), so a probe touches the slab only when a tag matches. It
// replaces a Go map of IDs: one probe sequence per operation, in a table a
// quarter of the size.
type idIndex struct {
	slots []uint64
	bits  uint8 // len(slots) == 1<<bits
	n     int
}

const indexMinBits = 6

// tagOf returns id's tag: 32 well-mixed bits of its hash.
func tagOf(id *ID) uint32 { return uint32((id.hash() * 0xbf58476d1ce4e5b9) >> 32) }

func (x *idIndex) home(tag uint32) int { return int(tag >> (32 - x.bits)) }

func (x *idIndex) len() int { return x.n }

// find returns the position of id's slot, or -1.
func (x *idIndex) find(id *ID, s *slab) int {
	if x.n == 0 {
		return -1
	}
	tag := tagOf(id)
	mask := len(x.slots) - 1
	for p := x.home(tag); ; p = (p + 1) & mask {
		v := x.slots[p]
		if v == 0 {
			return -1
		}
		if uint32(v>>32) == tag && s.at(int32(uint32(v))-1).id == *id {
			return p
		}
	}
}

// get returns id's slab slot.
func (x *idIndex) get(id *ID, s *slab) (int32, bool) {
	p := x.find(id, s)
	if p < 0 {
		return 0, false
	}
	return int32(uint32(x.slots[p])) - 1, true
}

// insert maps id to slab slot i, unless id is there already (false).
func (x *idIndex) insert(id *ID, i int32, s *slab) bool {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	tag := tagOf(id)
	mask := len(x.slots) - 1
	p := x.home(tag)
	for ; x.slots[p] != 0; p = (p + 1) & mask {
		v := x.slots[p]
		if uint32(v>>32) == tag && s.at(int32(uint32(v))-1).id == *id {
			return false
		}
	}
	x.slots[p] = uint64(tag)<<32 | uint64(uint32(i+1))
	x.n++
	return true
}

// remove unmaps id, if there.
func (x *idIndex) remove(id *ID, s *slab) {
	p := x.find(id, s)
	if p < 0 {
		return
	}
	mask := len(x.slots) - 1
	// Backward shift: move later slots of the run into the hole when their
	// home position is not between the hole and them.
	for q := (p + 1) & mask; x.slots[q] != 0; q = (q + 1) & mask {
		h := x.home(uint32(x.slots[q] >> 32))
		if (q-h)&mask >= (q-p)&mask {
			x.slots[p] = x.slots[q]
			p = q
		}
	}
	x.slots[p] = 0
	x.n--
}

// grow doubles the table (or makes the first one).
func (x *idIndex) grow() {
	old := x.slots
	x.bits = max(indexMinBits, x.bits+1)
	x.slots = make([]uint64, 1<<x.bits)
	mask := len(x.slots) - 1
	for _, v := range old {
		if v == 0 {
			continue
		}
		p := x.home(uint32(v >> 32))
		for x.slots[p] != 0 {
			p = (p + 1) & mask
		}
		x.slots[p] = v
	}
}

// each calls fn with every slab slot in the index.
func (x *idIndex) each(fn func(int32)) {
	for _, v := range x.slots {
		if v != 0 {
			fn(int32(uint32(v)) - 1)
		}
	}
}
