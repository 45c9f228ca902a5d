package middleware

import (
	"sync/atomic"
)

// routeSlots is the size of the routes ring: how many of the most recent
// messages can be matched to a DeadLetterResponse. An older message still
// pending falls back to its timeout.
const routeSlots = 1 << 16

// routes maps the RequestId of a message's ack route to the message, so
// that a DeadLetterResponse (which has no body to name the message) can
// be matched. It is a lock-free ring indexed by sequence number; a slot
// holds its message from send to outcome, or until a message 65536 sends
// later takes the slot.
//
// A slot also remembers the sequence number of the last stream message
// that ended there processed (done), so that a copy of its envelope that
// comes later is known for one, as the window knows a delivery.
type routes struct {
	slots []atomic.Pointer[pending]
	done  []atomic.Uint32
}

func (r *routes) init() {
	r.slots = make([]atomic.Pointer[pending], routeSlots)
	r.done = make([]atomic.Uint32, routeSlots)
}

// add stores p under its sequence number (p.seq, from idSource.take).
func (r *routes) add(p *pending) {
	r.slots[p.seq%routeSlots].Store(p)
}

// get returns the message sent with seq, or nil.
func (r *routes) get(seq uint32) *pending {
	p := r.slots[seq%routeSlots].Load()
	if p == nil || p.seq != seq {
		return nil
	}
	return p
}

// remove clears p's slot, unless a later message took it.
func (r *routes) remove(p *pending) {
	r.slots[p.seq%routeSlots].CompareAndSwap(p, nil)
}

// removeDone is remove for a stream message, p sent with seq, that ended
// processed. It reads nothing of p: p may be reused already.
func (r *routes) removeDone(p *pending, seq uint32) {
	r.done[seq%routeSlots].Store(seq)
	r.slots[seq%routeSlots].CompareAndSwap(p, nil)
}

// wasDone reports whether the stream message sent with seq ended
// processed, while its slot remembers it.
func (r *routes) wasDone(seq uint32) bool {
	return r.done[seq%routeSlots].Load() == seq
}
