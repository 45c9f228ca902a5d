package middleware

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// Streams are the fast path of a first attempt to an actor in this
// process (docs/middleware.md, "In-process streams"). The message is
// counted as pending (Tracker.Reserve) but not put in the tracker's index;
// its record joins its target's stream, a list in send order, in state
// streamSent. The receiving actor finds the record by the ack route's
// RequestId (routes.go), moves it to streamRecv, runs the handler and, on
// a plain Success, moves it to streamDone: no ack message, no window
// entry. The sweeper sweeps each stream's done records in order, settles
// their statistics in one tracker call and queues their outcomes for the
// outcome goroutine.
//
// Anything else hands the record to the tracker (promotion: a Track dated
// back to the send), after which the usual path applies, re-sends and the
// de-duplication window included: a reply other than a plain Success, a
// Defer, Forward or panic, the stream timer's deadline, a dead letter, an
// ack by ID (another Delivery's receiver), Close. Exactly one of the
// receiver's streamRecv to streamDone and a promotion wins (a CAS on the
// record's state), so a message ends once; streamPromoting keeps anyone
// from acking by ID before the tracker holds the message.
const (
	streamSent      uint32 = iota + 1 // sent, not yet taken by the receiver
	streamRecv                        // the receiver is processing it
	streamDone                        // processed with a plain Success; its outcome is the sweep's
	streamPromoting                   // being handed to the tracker
	streamPromoted                    // tracked by the tracker, which reports its outcome
)

// maxStreams bounds the streams kept; beyond it, idle streams are dropped,
// and a send to a new target takes the tracked path while none is idle.
const maxStreams = 1024

// stream is the in-process first attempts to one target, in send order.
type stream struct {
	target actor.PID // a copy: the sender's PID may change

	// The receivers' and the sweep's, on cache lines of their own.
	_      [64]byte
	head   atomic.Pointer[pending] // the last record swept (a sentinel); the sweep's own
	queued atomic.Bool             // on the set's dirty list, or being swept
	takes  atomic.Uint64           // records the receiver took; the receiver's
	limbo  []*pending              // swept done records not yet given back; the sweep's own
	_      [64]byte

	mu     sync.Mutex // guards the fields below; the senders'
	tail   *pending   // the last record sent
	closed bool       // Close ran, or the stream was dropped: send tracked
	free   []*pending // records to reuse
}

// maxFree bounds a stream's records kept for reuse: 240 KiB, zeroed (no
// message kept alive), until the stream is dropped.
const maxFree = 1024

// streamSet is a Delivery's streams, and their sweeper: a goroutine of
// its own, so that a slow outcome function delays no statistics, pending
// count or release of a stream's records.
type streamSet struct {
	d      *Delivery
	last   atomic.Pointer[stream] // the stream used last
	mu     sync.Mutex             // guards byID, dirty, closed, stopped, misses
	byID   map[string]*stream
	dirty  []*stream // streams with records to sweep
	closed bool
	misses int // sends to new targets refused at maxStreams since the last drop
	kinds  []messaging.Kind
	timer  streamTimer

	walk    sync.RWMutex  // held to read by the timer's and Close's walks, to write by reuse
	idle    atomic.Bool   // the sweeper is about to wait, or waits, for a wake-up
	wake    chan struct{} // capacity 1
	stopped bool          // stop ran: the sweeper ends once nothing is dirty
	done    chan struct{} // closed when the sweeper ends
}

func (ss *streamSet) init(d *Delivery) {
	ss.d, ss.byID = d, make(map[string]*stream)
	seen := map[messaging.Kind]bool{}
	for _, k := range d.kinds.all() {
		if !seen[k] {
			seen[k] = true
			ss.kinds = append(ss.kinds, k)
		}
	}
	ss.timer.init(ss)
	ss.wake, ss.done = make(chan struct{}, 1), make(chan struct{})
	go ss.run()
}

// run is the sweeper.
func (ss *streamSet) run() {
	defer close(ss.done)
	var w streamSweep
	for {
		if ss.sweep(&w) {
			continue
		}
		// A stream marked dirty after idle is set wakes the sweeper; one
		// marked before it is found here.
		ss.idle.Store(true)
		ss.mu.Lock()
		dirty, stopped := len(ss.dirty) > 0, ss.stopped
		ss.mu.Unlock()
		switch {
		case dirty:
		case stopped:
			return
		default:
			<-ss.wake
		}
		ss.idle.Store(false)
	}
}

// signal wakes the sweeper, unless a wake-up is pending already.
func (ss *streamSet) signal() {
	select {
	case ss.wake <- struct{}{}:
	default:
	}
}

// stop ends the sweeper after a last sweep; close ran before it, so no
// record becomes done any more.
func (ss *streamSet) stop() {
	ss.mu.Lock()
	ss.stopped = true
	ss.mu.Unlock()
	ss.signal()
	<-ss.done
}

// streamable reports whether a first attempt to target with no caller
// headers and no reply-to may take a stream: target is in this process,
// and no option needs every message to carry an ack (WithAcksToActor, the
// tests' links and in-process send batches).
func (d *Delivery) streamable(target *actor.PID) bool {
	return target.Address == d.system.Address() && !d.cfg.acksToActor && d.cfg.msgLink == nil &&
		d.cfg.ackLink == nil && !d.sendq.cfg.local && !d.cfg.noStreams
}

// WithInProcessStreams turns the in-process streams on (the default) or
// off. Off, every tracked message takes the tracked path: registered with
// the tracker before it is sent, acked by an ack message, de-duplicated
// by the window, and counted as sent in Summary at once. The guarantees
// are the same either way (see docs/middleware.md, "In-process streams").
func WithInProcessStreams(on bool) Option {
	return optionFunc(func(c *config) { c.noStreams = !on })
}

// get returns target's stream, or nil when there is none and none can be
// made (Close, or maxStreams busy streams).
func (ss *streamSet) get(target *actor.PID) *stream {
	if s := ss.last.Load(); s != nil && s.target.Id == target.Id {
		return s
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[target.Id]
	if s == nil {
		if ss.closed || (len(ss.byID) >= maxStreams && !ss.dropIdle()) {
			return nil
		}
		s = &stream{target: actor.PID{Address: target.Address, Id: target.Id}}
		sentinel := &pending{}
		sentinel.state.Store(streamDone)
		s.head.Store(sentinel)
		s.tail = sentinel
		ss.byID[target.Id] = s
	}
	ss.last.Store(s)
	return s
}

// dropIdle drops the streams with nothing in flight and reports whether
// it dropped any. After a pass that drops none, the next 256 new targets
// take the tracked path without a pass. ss.mu is held.
func (ss *streamSet) dropIdle() bool {
	if ss.misses > 0 {
		ss.misses--
		return false
	}
	n := len(ss.byID)
	for id, s := range ss.byID {
		s.mu.Lock()
		if s.tail == s.head.Load() { // every record swept
			s.closed = true
			delete(ss.byID, id)
		}
		s.mu.Unlock()
	}
	if len(ss.byID) == n {
		ss.misses = 256
		return false
	}
	ss.last.Store(nil)
	return true
}

// sendStream sends msg, of kind, to target on target's stream, and
// reports whether it did, with the message's ID; false leaves msg to the
// tracked path. err is the tracker's refusal (pending cap, Close), which
// the tracked path would meet too. The record is one the stream's sweep
// gave back, or a new one.
func (d *Delivery) sendStream(ctx actor.SenderContext, target *actor.PID, msg any, kind messaging.Kind, next actor.SenderFunc) (messaging.ID, bool, error) {
	s := d.streams.get(target)
	if s == nil {
		return messaging.ID{}, false, nil
	}
	self := d.sendingActor(ctx)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return messaging.ID{}, false, nil
	}
	if err := d.tracker.Reserve(); err != nil {
		s.mu.Unlock()
		return messaging.ID{}, true, err
	}
	var p *pending
	if n := len(s.free); n > 0 {
		p = s.free[n-1] // zeroed by reuse
		s.free[n-1] = nil
		s.free = s.free[:n-1]
	} else {
		p = new(pending)
	}
	seq, id, sh := d.ids.take()
	p.d, p.kind, p.target, p.msg, p.self, p.seq, p.id, p.stream = d, kind, target, msg, self, seq, id, s
	p.routePID.Address, p.routePID.Id, p.routePID.RequestId = d.system.Address(), d.routeID, seq
	d.routes.add(p)
	p.start = d.tracker.Elapsed()
	p.state.Store(streamSent)
	p.first = actor.MessageEnvelope{Header: sh.stream, Message: msg, Sender: &p.routePID}
	s.tail.next.Store(p)
	s.tail = p
	s.mu.Unlock()
	d.streams.timer.ensure()
	// Sent after the lock: a send into a full blocking mailbox holds up
	// no other sender and no Close. The receiver goes by each record's
	// state, so the stream's order need not be the mailbox's.
	next(ctx, target, &p.first)
	return id, true, nil
}

// promote hands p, a stream record, to the tracker, unless the receiver
// ended it or it was promoted already, and reports whether it did. The
// Track is dated back to the send, so the deadline is the one Track
// would have set; after Close the tracker reports p Abandoned. When
// another goroutine is promoting p, promote returns once it is done: the
// caller may then ack p by ID.
func (d *Delivery) promote(p *pending) bool {
	for {
		switch st := p.state.Load(); st {
		case streamSent, streamRecv:
			if !p.state.CompareAndSwap(st, streamPromoting) {
				continue
			}
		case streamPromoting:
			runtime.Gosched() // a Track under a shard lock: brief
			continue
		default:
			return false
		}
		break
	}
	err := d.tracker.TrackReserved(messaging.Message{ID: p.id, Kind: p.kind, Data: p}, p.start)
	p.state.Store(streamPromoted)
	if err != nil && !errors.Is(err, messaging.ErrClosed) {
		// IDs are never drawn twice, so this cannot happen; if it does,
		// the message still gets an outcome.
		d.cfg.log.Error("protoack: stream message not tracked", "id", p.id, "kind", p.kind, "err", err)
		d.onOutcome(messaging.Outcome{ID: p.id, Kind: p.kind, Result: messaging.ResultUndeliverable, Attempts: 1,
			Err: err, Latency: d.tracker.Elapsed() - p.start, Data: p})
	}
	d.streams.markDirty(p.stream) // the sweep passes it now
	return true
}

// promoteSeq promotes the stream record sent with route RequestId seq, if
// any: an ack or a dead letter by ID is about to reach the tracker.
func (d *Delivery) promoteSeq(seq uint32, id messaging.ID) {
	if p := d.routes.get(seq); p != nil && p.stream != nil && p.id == id {
		d.promote(p)
	}
}

// markDirty puts s on the list of streams to sweep and wakes the
// sweeper, unless s is on it already.
func (ss *streamSet) markDirty(s *stream) {
	if s.queued.Load() || !s.queued.CompareAndSwap(false, true) {
		return
	}
	ss.mu.Lock()
	ss.dirty = append(ss.dirty, s)
	ss.mu.Unlock()
	if ss.idle.Load() {
		ss.signal()
	}
}

// takeDirty returns the streams to sweep, into buf.
func (ss *streamSet) takeDirty(buf []*stream) []*stream {
	ss.mu.Lock()
	buf = append(buf, ss.dirty...)
	clear(ss.dirty)
	ss.dirty = ss.dirty[:0]
	ss.mu.Unlock()
	return buf
}

// streamSweep is the sweeper's scratch space.
type streamSweep struct {
	dirty   []*stream
	settled []messaging.Settled
	out     []queuedOutcome
}

// sweep ends the done records at the front of each dirty stream, in
// order: their statistics go to the tracker in one call, then their
// outcomes to the outcome goroutine. It stops at a record still sent or being
// processed (marked dirty again when it ends); promoted records are
// passed, the tracker reports them. It reports whether it found any
// dirty stream.
func (ss *streamSet) sweep(w *streamSweep) bool {
	w.dirty = ss.takeDirty(w.dirty[:0])
	if len(w.dirty) == 0 {
		return false
	}
	d := ss.d
	var el time.Duration // the tracker's clock
	var at time.Time
	for _, s := range w.dirty {
		s.queued.Store(false) // before reading states: a later end marks it again
		h := s.head.Load()
		for p := h.next.Load(); p != nil; p = h.next.Load() {
			switch p.state.Load() {
			case streamDone:
				if at.IsZero() { // one reading of each clock a sweep
					el, at = d.tracker.Elapsed(), now()
				}
				w.settled = append(w.settled, messaging.Settled{Kind: p.kind, Latency: el - p.start})
				if d.toApp() {
					w.out = append(w.out, queuedOutcome{self: p.self, o: Outcome{
						Outcome: messaging.Outcome{ID: p.id, Kind: p.kind, Result: messaging.ResultSuccess, Attempts: 1,
							Latency: el - p.start, Ack: messaging.Ack{ID: p.id, Status: messaging.StatusSuccess, Attempt: 1,
								Time: at}},
						Message: p.msg, Target: p.target}})
				}
			case streamPromoted:
			default:
				s.head.Store(h)
				goto next
			}
			if h.d != nil && h.state.Load() == streamDone { // h is behind the head now
				s.limbo = append(s.limbo, h)
			}
			h = p
		}
		s.head.Store(h)
	next:
		ss.reuse(s)
	}
	clear(w.dirty)
	if len(w.settled) > 0 {
		d.tracker.Settle(w.settled) // before the outcomes: an outcome function sees them counted
		clear(w.settled)
		w.settled = w.settled[:0]
	}
	w.out = d.outcomes.handOver(w.out)
	return true
}

// reuse gives s's limbo records back to its senders once no one can
// read them any more. A done record is read until the receiving actor
// has moved on: a middleware ahead of the Delivery's may read the
// envelope after the Delivery's returns, until the actor's next message.
// So a record goes back once the receiver has taken a later record on s
// (the stream's take count passed its doneTake), and never while a timer
// or Close walks the streams (walk). Records are reused, never their
// envelope's readers' view: a reused record is a new message's.
func (ss *streamSet) reuse(s *stream) {
	n, takes := 0, s.takes.Load()
	for n < len(s.limbo) && s.limbo[n].doneTake < takes {
		n++
	}
	if n == 0 {
		return
	}
	ss.walk.Lock()
	for _, p := range s.limbo[:n] {
		*p = pending{} // keeps no message alive, and is ready for a sender
	}
	s.mu.Lock()
	s.free = append(s.free, s.limbo[:min(n, maxFree-len(s.free))]...)
	s.mu.Unlock()
	ss.walk.Unlock()
	rest := copy(s.limbo, s.limbo[n:])
	clear(s.limbo[rest:])
	s.limbo = s.limbo[:rest]
}

// snapshot returns the streams, into buf.
func (ss *streamSet) snapshot(buf []*stream) []*stream {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, s := range ss.byID {
		buf = append(buf, s)
	}
	return buf
}

// close closes every stream and promotes every record in flight, so that
// the tracker's Close reports them Abandoned; later sends take the tracked
// path (and meet the closed tracker). Records already done are left to
// the last sweep.
func (ss *streamSet) close() {
	ss.mu.Lock()
	ss.closed = true
	ss.last.Store(nil)
	ss.mu.Unlock()
	ss.timer.stop()
	streams := ss.snapshot(nil)
	ss.walk.RLock()
	defer ss.walk.RUnlock()
	for _, s := range streams {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		for p := s.head.Load().next.Load(); p != nil; p = p.next.Load() {
			ss.d.promote(p)
		}
	}
}
