package messaging

import (
	"cmp"
	crand "crypto/rand"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"
)

// CoreConfig configures a Core. The zero value works.
type CoreConfig struct {
	// Policies are the policies of particular kinds.
	Policies map[Kind]Policy
	// DefaultPolicy applies to unregistered kinds; zero means DefaultPolicy().
	DefaultPolicy Policy
	// Seed seeds backoff jitter. Zero means a random seed.
	Seed uint64
	// DuplicateWindow is how many recently ended IDs are remembered, so
	// late acks for them count as duplicates. Zero means 4096; negative, none.
	DuplicateWindow int
	// MaxPending caps pending messages; zero means 1<<20, negative no cap.
	MaxPending int
}

const (
	defaultMaxPending      = 1 << 20
	defaultDuplicateWindow = 4096
)

// Resend is a re-send the driver must perform.
type Resend struct {
	ID      ID
	Kind    Kind
	Attempt int
	Fn      ResendFunc
	By      Resender // when Fn is nil: the message's Data, if a Resender
}

// Do performs the re-send through Fn or By; without either it does nothing.
func (r *Resend) Do() error {
	switch {
	case r.Fn != nil:
		return r.Fn(r.ID, r.Attempt)
	case r.By != nil:
		return r.By.Resend(r.ID, r.Attempt)
	}
	return nil
}

// Actions are what Advance asks the driver to do: re-sends to perform and
// outcomes to report. Reuse one Actions across calls; Advance appends.
type Actions struct {
	Resends  []Resend
	Outcomes []Outcome
}

// Reset empties a for reuse, keeping its capacity.
func (a *Actions) Reset() {
	clear(a.Resends)
	clear(a.Outcomes)
	a.Resends, a.Outcomes = a.Resends[:0], a.Outcomes[:0]
}

// ackCounters count acks that matched nothing; shared by a Tracker's shards.
type ackCounters struct {
	duplicate, unknown atomic.Uint64
}

// Core is the delivery-tracking state machine. It owns no clock, goroutine
// or lock: every call takes the current time, and Advance returns the
// re-sends and outcomes that are due. It is not safe for concurrent use;
// Tracker wraps it for that. Each operation is O(log n) in pending messages.
type Core struct {
	epoch      time.Time
	reg        *kindRegistry
	acks       *ackCounters
	slab       slab
	index      idIndex
	heap       deadlineHeap    // backoffs, and ack deadlines that fit no queue
	queues     []ackQueue      // ack deadlines, per kind (kindState.idx)
	errs       map[int32]error // last error of entries that had one
	recent     recentSet
	rnd        *rand.Rand
	ids        *rand.ChaCha8
	maxPending int
	stripe     int        // which of each kind's metric stripes this core updates
	lastKind   Kind       // the kind Track saw last,
	lastKS     *kindState // and its state
}

// NewCore returns a Core whose time origin is epoch.
func NewCore(epoch time.Time, cfg CoreConfig) (*Core, error) {
	reg, err := newRegistryFromConfig(cfg.DefaultPolicy, cfg.Policies, 1)
	if err != nil {
		return nil, err
	}
	c := newCore(epoch, reg, &ackCounters{}, cfg.Seed, 0, cfg.DuplicateWindow)
	c.maxPending = cfg.MaxPending
	if c.maxPending == 0 {
		c.maxPending = defaultMaxPending
	}
	return c, nil
}

func newRegistryFromConfig(def Policy, policies map[Kind]Policy, stripes int) (*kindRegistry, error) {
	if def == (Policy{}) {
		def = DefaultPolicy()
	}
	if err := def.Validate(); err != nil {
		return nil, fmt.Errorf("default policy: %w", err)
	}
	for k, p := range policies {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("kind %q: %w", k, err)
		}
	}
	return newKindRegistry(def, policies, stripes), nil
}

func newCore(epoch time.Time, reg *kindRegistry, acks *ackCounters, seed, stream uint64, window int) *Core {
	if seed == 0 {
		seed = rand.Uint64()
	}
	if window == 0 {
		window = defaultDuplicateWindow
	}
	var key [32]byte
	_, _ = crand.Read(key[:]) // never fails on supported platforms
	c := &Core{
		epoch:  epoch,
		reg:    reg,
		acks:   acks,
		slab:   newSlab(),
		errs:   make(map[int32]error),
		recent: newRecentSet(window),
		rnd:    rand.New(rand.NewPCG(seed, stream)),
		ids:    rand.NewChaCha8(key),
		stripe: int(stream) % reg.stripes,
	}
	c.heap.slab = &c.slab
	return c
}

func (c *Core) ns(t time.Time) int64 { return int64(t.Sub(c.epoch)) }

// Pending returns the number of messages awaiting an outcome.
func (c *Core) Pending() int { return c.index.len() }

// NextDeadline returns the earliest time at which Advance has work to do.
func (c *Core) NextDeadline() (time.Time, bool) {
	ns, ok := c.nextDeadline()
	return c.epoch.Add(time.Duration(ns)), ok
}

func (c *Core) nextDeadline() (int64, bool) {
	next, ok := int64(math.MaxInt64), false
	if c.heap.len() > 0 {
		next, ok = c.slab.at(c.heap.min()).deadline, true
	}
	for k := range c.queues {
		if i, live := c.queues[k].front(&c.slab); live {
			next, ok = min(next, c.slab.at(i).deadline), true
		}
	}
	return next, ok
}

func (c *Core) queue(ks *kindState) *ackQueue {
	for ks.idx >= len(c.queues) {
		c.queues = append(c.queues, ackQueue{})
	}
	return &c.queues[ks.idx]
}

// awaitAck puts entry i, in no queue or heap, into the ack phase with a
// deadline of t plus its timeout.
func (c *Core) awaitAck(i int32, e *entry, t int64) {
	e.sent = t
	c.schedule(i, e, t+c.ackTimeout(e.ks))
}

// schedule puts entry i, in no queue or heap, into the ack phase with
// the given deadline.
func (c *Core) schedule(i int32, e *entry, deadline int64) {
	e.phase, e.deadline = phaseAwaitAck, deadline
	if q := c.queue(e.ks); q.fits(e.deadline) {
		q.push(i, e.gen, e.deadline)
		return
	}
	c.heap.push(i)
}

// ackTimeout returns kind ks's ack timeout on this core now.
func (c *Core) ackTimeout(ks *kindState) int64 {
	return ks.stats[c.stripe].rto.timeout(ks.policy.Load())
}

// unschedule takes entry i out of its queue or the heap.
func (c *Core) unschedule(i int32, e *entry) {
	switch {
	case e.heapIdx >= 0:
		c.heap.remove(int(e.heapIdx))
	case e.phase == phaseAwaitAck:
		e.gen++
		c.queue(e.ks).leave(&c.slab)
	}
}

// Track registers m as sent at now. Register before sending, so an ack
// that arrives at once is matched. A zero m.ID gets a new random ID.
func (c *Core) Track(now time.Time, m Message) (ID, error) {
	if c.maxPending > 0 && c.index.len() >= c.maxPending {
		return ID{}, fmt.Errorf("%w: cap of %d reached", ErrTooManyPending, c.maxPending)
	}
	if m.ID.IsZero() {
		m.ID = idFrom(c.ids)
	}
	_, err := c.track(c.ns(now), &m)
	return m.ID, err
}

// track registers m and returns its ack deadline.
func (c *Core) track(t int64, m *Message) (int64, error) {
	ks := c.lastKS
	if ks == nil || c.lastKind != m.Kind {
		ks = c.reg.get(m.Kind) // a kind's state never changes once made
		c.lastKind, c.lastKS = m.Kind, ks
	}
	i := c.slab.alloc()
	e := c.slab.at(i)
	if !c.index.insert(&m.ID, i, &c.slab) {
		c.slab.release(i)
		return 0, fmt.Errorf("%w: %v", ErrDuplicateID, m.ID)
	}
	*e = entry{
		id: m.ID, ks: ks, resend: m.Resend, data: m.Data,
		start: t, attempt: 1, heapIdx: -1, gen: e.gen,
	}
	c.awaitAck(i, e, t)
	ks.stats[c.stripe].sent++
	return e.deadline, nil
}

// Acknowledge applies a at now. When the ack ends the message, ended is
// true and o is its outcome.
func (c *Core) Acknowledge(now time.Time, a Ack) (r AckResult, o Outcome, ended bool) {
	r, ended = c.acknowledge(c.ns(now), &a, &o)
	return r, o, ended
}

// acknowledge applies *a; when it ends the message, it fills *o and
// returns true. Pointers keep the hot path free of large copies.
func (c *Core) acknowledge(t int64, a *Ack, o *Outcome) (AckResult, bool) {
	i, ok := c.index.get(&a.ID, &c.slab)
	if !ok {
		if c.recent.has(a.ID) {
			c.acks.duplicate.Add(1)
			return AckDuplicate, false
		}
		c.acks.unknown.Add(1)
		return AckUnknown, false
	}
	e := c.slab.at(i)
	if e.attempt == 1 && !e.extended && a.Status.Final() {
		// Karn's rule: only a message never re-sent gives an RTT sample.
		e.ks.stats[c.stripe].rto.sample(t - e.start)
	}
	switch a.Status {
	case StatusSuccess:
		c.end(i, t, ResultSuccess, nil, a, o)
		return AckMatched, true
	case StatusPartialSuccess:
		c.end(i, t, ResultPartialSuccess, &AckError{Status: a.Status, Reason: a.Reason}, a, o)
		return AckMatched, true
	case StatusFailed:
		err := &AckError{Status: a.Status, Reason: a.Reason}
		if !e.ks.policy.Load().RetryOnFailure {
			c.end(i, t, ResultFailed, err, a, o)
			return AckMatched, true
		}
		if a.Attempt > 0 && a.Attempt < int(e.attempt) {
			// A failure of an earlier attempt, already being retried.
			c.acks.duplicate.Add(1)
			return AckDuplicate, false
		}
		return AckMatched, c.retryLater(i, t, t, err, ResultFailed, a, o)
	case StatusRetrying:
		e.extended = true
		c.unschedule(i, e)
		c.awaitAck(i, e, t)
		e.ks.stats[c.stripe].extended++
		return AckExtended, false
	}
	c.acks.unknown.Add(1) // a malformed ack with no status
	return AckUnknown, false
}

// Nack reports that delivery of id failed now (for example, a send error).
// The message is re-sent after the next backoff step, or, with no retries
// left, ends as exhausted. found is false for an unknown id.
func (c *Core) Nack(now time.Time, id ID, err error) (o Outcome, ended, found bool) {
	ended, found = c.nack(c.ns(now), id, err, &o)
	return o, ended, found
}

func (c *Core) nack(t int64, id ID, err error, o *Outcome) (ended, found bool) {
	i, ok := c.index.get(&id, &c.slab)
	if !ok {
		return false, false
	}
	if c.slab.at(i).phase == phaseBackoff {
		c.noteErr(i, err)
		return false, true
	}
	return c.retryLater(i, t, t, err, ResultExhausted, nil, o), true
}

// Fail ends id now as undeliverable with err.
func (c *Core) Fail(now time.Time, id ID, err error) (o Outcome, found bool) {
	found = c.fail(c.ns(now), id, err, &o)
	return o, found
}

func (c *Core) fail(t int64, id ID, err error, o *Outcome) bool {
	i, ok := c.index.get(&id, &c.slab)
	if !ok {
		return false
	}
	c.end(i, t, ResultUndeliverable, err, nil, o)
	return true
}

// NoteError records err as id's last error without changing its schedule,
// e.g. when a re-send failed. It reports whether id is pending.
func (c *Core) NoteError(id ID, err error) bool {
	i, ok := c.index.get(&id, &c.slab)
	if ok {
		c.noteErr(i, err)
	}
	return ok
}

func (c *Core) noteErr(i int32, err error) {
	if err != nil {
		c.errs[i] = err
	}
}

// retryLater schedules entry i's next re-send after the backoff, or, when
// no retries are left, ends it with result r (filling *o) and returns true.
//
// The backoff runs from base: the scheduled deadline for a timeout (so a
// late timer does not push the whole schedule back), now for a nack.
func (c *Core) retryLater(i int32, t, base int64, err error, r Result, a *Ack, o *Outcome) bool {
	e := c.slab.at(i)
	pol := e.ks.policy.Load()
	prev := c.errs[i]
	var timeout *TimeoutError
	isTimeout := errors.As(err, &timeout)
	if int(e.attempt)-1 >= pol.MaxRetries {
		switch {
		case err == nil:
			err = prev
		case isTimeout && prev != nil:
			err = fmt.Errorf("%w (earlier: %w)", err, prev)
		}
		c.end(i, t, r, err, a, o)
		return true
	}
	if !isTimeout {
		c.noteErr(i, err) // a timeout is implied by the schedule; keep the cause
	}
	c.unschedule(i, e)
	e.phase = phaseBackoff
	e.deadline = base + int64(pol.Backoff.Delay(int(e.attempt), c.rnd))
	c.heap.push(i)
	return false
}

// Advance moves the machine to now: timed-out attempts are scheduled for
// re-send or given up, and due re-sends are appended to acts.Resends.
// Outcomes of messages given up are appended to acts.Outcomes.
func (c *Core) Advance(now time.Time, acts *Actions) { c.advance(c.ns(now), acts) }

func (c *Core) advance(t int64, acts *Actions) {
	for k := range c.queues {
		for {
			i, ok := c.queues[k].front(&c.slab)
			if !ok || c.slab.at(i).deadline > t {
				break
			}
			c.timeout(i, t, acts)
		}
	}
	for c.heap.len() > 0 {
		i := c.heap.min()
		e := c.slab.at(i)
		if e.deadline > t {
			return
		}
		if e.phase == phaseAwaitAck {
			c.timeout(i, t, acts)
			continue
		}
		c.heap.remove(0)
		e.attempt++
		c.awaitAck(i, e, t)
		e.ks.stats[c.stripe].retried++
		r := Resend{ID: e.id, Kind: e.ks.kind, Attempt: int(e.attempt), Fn: e.resend}
		if r.Fn == nil {
			r.By, _ = e.data.(Resender)
		}
		acts.Resends = append(acts.Resends, r)
	}
}

// timeout handles entry i's ack deadline passing: a re-send after the
// backoff, or, with no retries left, an outcome appended to acts.
//
// The timeout is judged again with the estimate of now: when acks have
// slowed since the attempt was sent (a receiver working through a queue),
// the attempt waits out the longer timeout instead of adding a re-send
// to that queue.
func (c *Core) timeout(i int32, t int64, acts *Actions) {
	e := c.slab.at(i)
	to := c.ackTimeout(e.ks)
	if e.sent+to > t {
		c.unschedule(i, e)
		c.schedule(i, e, e.sent+to)
		return
	}
	e.ks.stats[c.stripe].timeouts++
	err := &TimeoutError{Attempt: int(e.attempt), After: time.Duration(to)}
	var o Outcome
	if c.retryLater(i, t, e.deadline, err, ResultExhausted, nil, &o) {
		acts.Outcomes = append(acts.Outcomes, o)
	}
}

// Close ends every pending message as abandoned, appending the outcomes
// to out in deadline order, and returns out.
func (c *Core) Close(now time.Time, out []Outcome) []Outcome { return c.close(c.ns(now), out) }

func (c *Core) close(t int64, out []Outcome) []Outcome {
	slots := make([]int32, 0, c.index.len())
	c.index.each(func(i int32) { slots = append(slots, i) })
	slices.SortFunc(slots, func(a, b int32) int {
		return cmp.Or(cmp.Compare(c.slab.at(a).deadline, c.slab.at(b).deadline), cmp.Compare(a, b))
	})
	for _, i := range slots {
		out = append(out, Outcome{})
		c.end(i, t, ResultAbandoned, ErrAbandoned, nil, &out[len(out)-1])
	}
	return out
}

// end removes entry i and fills *o with its outcome; a is the final ack,
// if an ack ended it.
func (c *Core) end(i int32, t int64, r Result, err error, a *Ack, o *Outcome) {
	e := c.slab.at(i)
	if err == nil && r != ResultSuccess {
		err = c.errs[i]
	}
	o.ID, o.Kind, o.Result, o.Attempts, o.Err = e.id, e.ks.kind, r, int(e.attempt), err
	o.Latency, o.Data = time.Duration(t-e.start), e.data
	if a != nil {
		o.Ack = *a
	}
	st := &e.ks.stats[c.stripe]
	switch r {
	case ResultSuccess:
		st.succeeded++
	case ResultPartialSuccess:
		st.partial++
	case ResultFailed:
		st.failed++
	case ResultExhausted:
		st.exhausted++
	case ResultUndeliverable:
		st.undeliverable++
	case ResultAbandoned:
		st.abandoned++
	}
	if r.Delivered() {
		st.latency.record(o.Latency)
	}
	c.unschedule(i, e)
	c.index.remove(&e.id, &c.slab)
	if len(c.errs) > 0 {
		delete(c.errs, i)
	}
	c.recent.add(e.id)
	c.slab.release(i)
}

// Summary returns the core's metrics.
func (c *Core) Summary() Summary {
	return summarize(c.reg, c.acks.duplicate.Load(), c.acks.unknown.Load(), c.index.len(), noLock)
}

func noLock(int) func() { return func() {} }
