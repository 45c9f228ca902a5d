package middleware

import (
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// window remembers the IDs the receiver has processed, with their
// outcome, bounded by count and by age (evicted oldest first, on insert).
// It is split into independently locked shards by ID.
type window struct {
	shards   [16]windowShard
	perShard int
	maxAge   time.Duration
}

type windowShard struct {
	mu    sync.Mutex
	m     map[messaging.ID]*entry
	queue []*entry // insertion order; a ring from head
	head  int
	n     int
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
	w := &window{perShard: max(1, count/16), maxAge: age}
	for i := range w.shards {
		w.shards[i].m = make(map[messaging.ID]*entry)
	}
	return w
}

func (w *window) shard(id messaging.ID) *windowShard { return &w.shards[id[0]&15] }

// begin decides what to do with attempt of id. With process, e is a fresh
// entry now recorded as in progress; otherwise e is the existing entry and
// status and reason are its recorded outcome.
func (w *window) begin(id messaging.ID, attempt int, route *actor.PID, now time.Time) (v verdict, e *entry, status messaging.Status, reason string) {
	s := w.shard(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[id]; ok && now.Sub(old.at) <= w.maxAge {
		switch {
		case old.status == messaging.StatusUnknown:
			return inProgress, old, old.status, old.reason
		case old.status != messaging.StatusFailed || attempt <= old.attempt:
			return reack, old, old.status, old.reason
		}
		// A later attempt after a failure: the sender chose to retry.
	}
	e = &entry{id: id, at: now, attempt: attempt, route: route}
	s.m[id] = e
	s.push(e, w.perShard, w.maxAge, now)
	return process, e, 0, ""
}

// finish records e's outcome.
func (w *window) finish(e *entry, status messaging.Status, reason string) {
	s := w.shard(e.id)
	s.mu.Lock()
	e.status, e.reason = status, reason
	s.mu.Unlock()
}

// push appends e, evicting the oldest entries beyond the count or age
// bound. s.mu is held.
func (s *windowShard) push(e *entry, limit int, maxAge time.Duration, now time.Time) {
	for s.n > 0 {
		front := s.queue[s.head]
		if s.n < limit && now.Sub(front.at) <= maxAge {
			break
		}
		if cur, ok := s.m[front.id]; ok && cur == front {
			delete(s.m, front.id)
		}
		s.queue[s.head] = nil
		s.head = (s.head + 1) % len(s.queue)
		s.n--
	}
	if s.n == len(s.queue) {
		s.grow(limit)
	}
	s.queue[(s.head+s.n)%len(s.queue)] = e
	s.n++
}

// grow doubles the ring (up to limit), unrolling it to start at 0.
func (s *windowShard) grow(limit int) {
	size := max(1, min(2*len(s.queue), limit))
	if size < s.n+1 {
		size = s.n + 1
	}
	q := make([]*entry, size)
	for i := 0; i < s.n; i++ {
		q[i] = s.queue[(s.head+i)%max(1, len(s.queue))]
	}
	s.queue, s.head = q, 0
}

// len returns the number of remembered IDs.
func (w *window) len() int {
	n := 0
	for i := range w.shards {
		s := &w.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}
