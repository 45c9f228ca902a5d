package middleware

import (
	"sync"
	"sync/atomic"
)

// routes maps the RequestId of a message's ack route to the message, so
// that a DeadLetterResponse (which has no body to name the message) can
// be matched. Entries live from send to outcome.
type routes struct {
	next   atomic.Uint32
	shards [32]routeShard
}

type routeShard struct {
	mu sync.Mutex
	m  map[uint32]*pending
	_  [40]byte // keep locks on separate cache lines
}

func (r *routes) init() {
	for i := range r.shards {
		r.shards[i].m = make(map[uint32]*pending)
	}
}

// add stores p under a fresh non-zero sequence number, which it sets as
// p.seq first.
func (r *routes) add(p *pending) {
	seq := r.next.Add(1)
	for seq == 0 {
		seq = r.next.Add(1)
	}
	p.seq = seq
	s := &r.shards[seq%uint32(len(r.shards))]
	s.mu.Lock()
	s.m[seq] = p
	s.mu.Unlock()
}

func (r *routes) get(seq uint32) *pending {
	s := &r.shards[seq%uint32(len(r.shards))]
	s.mu.Lock()
	p := s.m[seq]
	s.mu.Unlock()
	return p
}

func (r *routes) remove(seq uint32) {
	s := &r.shards[seq%uint32(len(r.shards))]
	s.mu.Lock()
	delete(s.m, seq)
	s.mu.Unlock()
}
