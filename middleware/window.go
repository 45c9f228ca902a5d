package middleware

import (
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// window remembers the IDs the receiver has processed, with their
// outcome, bounded by count and by age. Each shard keeps two generations
// of IDs: new IDs go into the current one; when it holds half the shard's
// share of the count, or the previous one is older than the age bound, the
// previous generation is dropped whole and the current one becomes the
// previous. So at least count/2 and at most count IDs are remembered, none
// older than twice the age, and nothing is deleted one by one (deletions
// would leave the hash maps full of tombstones).
type window struct {
	shards [16]windowShard
	half   int // per shard and generation
	maxAge time.Duration
}

type windowShard struct {
	mu        sync.Mutex
	cur, prev map[messaging.ID]*entry
	curStart  time.Time
}

// entry is one ID's state. status is messaging.StatusUnknown while the
// handler runs; the other fields are set before it is published.
type entry struct {
	id      messaging.ID
	at      time.Time
	attempt int
	status  messaging.Status // guarded by the shard lock
	reason  string           // guarded by the shard lock
	route   *actor.PID       // where acks go

	// Set by Report from the handler's goroutine, read after it returns.
	reported messaging.Status
	repWhy   string
}

// verdict is what the receiver does with a delivery.
type verdict uint8

const (
	process    verdict = iota // new, or a later attempt after Failed
	reack                     // done before: re-ack the recorded outcome
	inProgress                // being processed now: ack Retrying
)

func newWindow(count int, age time.Duration) *window {
	w := &window{half: max(1, count/(2*16)), maxAge: age}
	for i := range w.shards {
		w.shards[i].cur = make(map[messaging.ID]*entry)
	}
	return w
}

func (w *window) shard(id messaging.ID) *windowShard { return &w.shards[id[0]&15] }

// lookup returns id's entry, if remembered and not older than maxAge.
// s.mu is held.
func (s *windowShard) lookup(id messaging.ID, now time.Time, maxAge time.Duration) *entry {
	e, ok := s.cur[id]
	if !ok {
		e, ok = s.prev[id]
	}
	if !ok || now.Sub(e.at) > maxAge {
		return nil
	}
	return e
}

// begin decides what to do with attempt of id. With process, e is a fresh
// entry now recorded as in progress; otherwise e is the existing entry and
// status and reason are its recorded outcome.
func (w *window) begin(id messaging.ID, attempt int, route *actor.PID, now time.Time) (v verdict, e *entry, status messaging.Status, reason string) {
	s := w.shard(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.lookup(id, now, w.maxAge); old != nil {
		switch {
		case old.status == messaging.StatusUnknown:
			return inProgress, old, old.status, old.reason
		case old.status != messaging.StatusFailed || attempt <= old.attempt:
			return reack, old, old.status, old.reason
		}
		// A later attempt after a failure: the sender chose to retry.
	}
	if len(s.cur) >= w.half || (s.prev != nil && now.Sub(s.curStart) > w.maxAge) {
		s.prev, s.cur, s.curStart = s.cur, make(map[messaging.ID]*entry, len(s.cur)), now
	}
	if len(s.cur) == 0 {
		s.curStart = now
	}
	e = &entry{id: id, at: now, attempt: attempt, route: route}
	s.cur[id] = e
	return process, e, 0, ""
}

// finish records e's outcome.
func (w *window) finish(e *entry, status messaging.Status, reason string) {
	s := w.shard(e.id)
	s.mu.Lock()
	e.status, e.reason = status, reason
	s.mu.Unlock()
}

// status returns e's recorded status.
func (w *window) status(e *entry) messaging.Status {
	s := w.shard(e.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	return e.status
}

// find returns id's entry while it is remembered, or nil.
func (w *window) find(id messaging.ID) *entry {
	s := w.shard(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.cur[id]
	if !ok {
		e = s.prev[id]
	}
	return e
}

// len returns the number of remembered IDs (expired ones included).
func (w *window) len() int {
	n := 0
	for i := range w.shards {
		s := &w.shards[i]
		s.mu.Lock()
		n += len(s.cur) + len(s.prev)
		s.mu.Unlock()
	}
	return n
}
