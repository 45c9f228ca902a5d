package middleware

import (
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// window remembers the deliveries the receiver has processed, with their
// outcome, bounded by count and by age. A delivery is an ID at one
// receiving actor: each routee of a broadcast processes the message once.
// Each shard keeps two generations: new keys go into the current one;
// when it holds half the shard's share of the count, or the previous one
// is older than the age bound, the previous generation is dropped whole
// and the current one becomes the previous. So at least count/2 and at
// most count keys are remembered, none older than twice the age, and
// nothing is deleted one by one (deletions would leave the hash maps full
// of tombstones).
type window struct {
	shards [16]windowShard
	half   int // per shard and generation
	maxAge time.Duration
}

// wkey names one delivery: a message ID at one receiving actor.
type wkey struct {
	id   messaging.ID
	recv string // the receiving actor's PID.Id
}

type windowShard struct {
	mu        sync.Mutex
	cur, prev map[wkey]*entry
	curStart  time.Time
	entries   []entry                 // allocated in chunks, handed out one by one
	envs      []actor.MessageEnvelope // handler envelopes, likewise
}

// chunk is how many entries (and handler envelopes) one allocation makes.
// A chunk lives while any of its entries is remembered (or envelopes
// referenced), which the generations bound.
const chunk = 64

// entry is one delivery's state. status is messaging.StatusUnknown while
// it is being processed; the fields above the guarded ones are set before
// the entry is published.
type entry struct {
	key     wkey
	at      time.Time
	attempt int
	route   *actor.PID // where acks go: &routeVal
	// routeVal is a copy of the ack route: the sender's PID may sit in
	// its record of the message, which the window must not keep alive.
	routeVal actor.PID

	// Guarded by the shard lock.
	status   messaging.Status
	reason   string
	meta     map[string]string
	fwd      *actor.PID // forwarded here: the next hop owns the ack
	deferred bool       // a Deferred owns the ack

	// Set and read on the handler's goroutine only.
	env   *actor.MessageEnvelope // the envelope the handler gets, to recognise Forward
	reply Reply                  // set by Reply/Report; Status 0 means Success
}

// verdict is what the receiver does with a delivery.
type verdict uint8

const (
	process    verdict = iota // new, or a later attempt after Failed
	reack                     // done before: re-ack the recorded outcome
	inProgress                // being processed now (or deferred): ack Retrying
	reforward                 // forwarded: pass the re-send on to the next hop
)

// done is a delivery's recorded outcome, for a re-ack or re-forward.
type done struct {
	status messaging.Status
	reason string
	meta   map[string]string
	fwd    *actor.PID
}

func newWindow(count int, age time.Duration) *window {
	w := &window{half: max(1, count/(2*16)), maxAge: age}
	for i := range w.shards {
		w.shards[i].cur = make(map[wkey]*entry)
	}
	return w
}

// shard picks id's shard from its first and last bytes (see
// messaging.Tracker's shards).
func (w *window) shard(id messaging.ID) *windowShard { return &w.shards[(id[0]^id[15])&15] }

// lookup returns k's entry, if remembered and not older than maxAge.
// s.mu is held.
func (s *windowShard) lookup(k wkey, now time.Time, maxAge time.Duration) *entry {
	e, ok := s.cur[k]
	if !ok {
		e, ok = s.prev[k]
	}
	if !ok || now.Sub(e.at) > maxAge {
		return nil
	}
	return e
}

// begin decides what to do with attempt of delivery k. With process, e is
// a fresh entry now recorded as in progress, with an empty envelope
// (e.env) for the handler; otherwise e is the existing entry and d its
// recorded outcome.
func (w *window) begin(k wkey, attempt int, route *actor.PID, now time.Time) (v verdict, e *entry, d done) {
	s := w.shard(k.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.lookup(k, now, w.maxAge); old != nil {
		d = done{old.status, old.reason, old.meta, old.fwd}
		switch {
		case old.fwd != nil:
			return reforward, old, d
		case old.status == messaging.StatusUnknown:
			return inProgress, old, d
		case old.status != messaging.StatusFailed || attempt <= old.attempt:
			return reack, old, d
		}
		// A later attempt after a failure: the sender chose to retry.
	}
	if len(s.cur) >= w.half || (s.prev != nil && now.Sub(s.curStart) > w.maxAge) {
		s.prev, s.cur, s.curStart = s.cur, make(map[wkey]*entry, len(s.cur)), now
	}
	if len(s.cur) == 0 {
		s.curStart = now
	}
	if len(s.entries) == 0 {
		s.entries = make([]entry, chunk)
	}
	e = &s.entries[0]
	s.entries = s.entries[1:]
	*e = entry{key: k, at: now, attempt: attempt}
	if route != nil {
		e.routeVal.Address, e.routeVal.Id, e.routeVal.RequestId = route.Address, route.Id, route.RequestId
		e.route = &e.routeVal
	}
	if len(s.envs) == 0 {
		s.envs = make([]actor.MessageEnvelope, chunk)
	}
	e.env = &s.envs[0]
	s.envs = s.envs[1:]
	s.cur[k] = e
	return process, e, done{}
}

// finish records e's outcome. It returns false, recording nothing, when
// e already has one.
func (w *window) finish(e *entry, status messaging.Status, reason string, meta map[string]string) bool {
	s := w.shard(e.key.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.status != messaging.StatusUnknown {
		return false
	}
	e.status, e.reason, e.meta = status, reason, meta
	return true
}

// finishOwned records e's outcome if the receiver middleware still owns
// its ack (not ended, forwarded or deferred), and reports whether it did.
func (w *window) finishOwned(e *entry, status messaging.Status, reason string, meta map[string]string) bool {
	s := w.shard(e.key.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.status != messaging.StatusUnknown || e.fwd != nil || e.deferred {
		return false
	}
	e.status, e.reason, e.meta = status, reason, meta
	return true
}

// handOff records that the ack of e, still being processed, passed to a
// next hop (fwd) or to a Deferred. It returns false when e already ended.
func (w *window) handOff(e *entry, fwd *actor.PID, deferred bool) bool {
	s := w.shard(e.key.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.status != messaging.StatusUnknown {
		return false
	}
	if fwd != nil {
		e.fwd = fwd
	}
	e.deferred = e.deferred || deferred
	return true
}

// owned reports whether the receiver middleware still owns e's ack: not
// ended, forwarded or deferred.
func (w *window) owned(e *entry) bool {
	s := w.shard(e.key.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	return e.status == messaging.StatusUnknown && e.fwd == nil && !e.deferred
}

// find returns k's entry while it is remembered, or nil.
func (w *window) find(k wkey) *entry {
	s := w.shard(k.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.cur[k]
	if !ok {
		e = s.prev[k]
	}
	return e
}

// len returns the number of remembered deliveries (expired ones included).
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
