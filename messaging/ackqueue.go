package messaging

// ackQueue holds one kind's messages awaiting an ack, in deadline order.
// The messages of a kind wait the same timeout, or a rising one, from a
// clock that only moves forward, so deadlines arrive sorted and a FIFO
// does the heap's job at O(1): an ack costs no heap work at all. An entry
// leaves by bumping its generation; stale items are skipped at the head,
// and compaction keeps them to at most live+64. A deadline that would
// break the order (the kind's timeout fell, or time went backwards) goes
// to the heap.
type ackQueue struct {
	last  int64 // the newest item's deadline
	items []queued
	head  int
	live  int
}

type queued struct {
	slot int32
	gen  uint32
}

// fits reports whether an entry with this deadline can join the queue
// without breaking its order.
func (q *ackQueue) fits(deadline int64) bool {
	return q.live == 0 || deadline >= q.last
}

func (q *ackQueue) push(slot int32, gen uint32, deadline int64) {
	if q.live == 0 {
		q.items, q.head = q.items[:0], 0
	}
	q.items = append(q.items, queued{slot, gen})
	q.last = deadline
	q.live++
}

// leave accounts for one live entry having left (its gen already bumped).
func (q *ackQueue) leave(s *slab) {
	q.live--
	if q.live == 0 {
		q.items, q.head = q.items[:0], 0
	} else if len(q.items)-q.head > 2*q.live+64 {
		q.compact(s)
	}
}

// front returns the slot of the oldest live entry, dropping stale items.
func (q *ackQueue) front(s *slab) (int32, bool) {
	for q.head < len(q.items) {
		it := q.items[q.head]
		if s.at(it.slot).gen == it.gen {
			return it.slot, true
		}
		q.head++
	}
	return 0, false
}

func (q *ackQueue) compact(s *slab) {
	n := 0
	for _, it := range q.items[q.head:] {
		if s.at(it.slot).gen == it.gen {
			q.items[n] = it
			n++
		}
	}
	q.items, q.head = q.items[:n], 0
}
