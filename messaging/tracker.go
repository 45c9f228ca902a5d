package messaging

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/metric"
)

// Tracker tracks messages from send to outcome: it re-sends those not
// acknowledged in time, with exponential backoff, and reports every end
// through the outcome function. It is safe for concurrent use.
//
// Tracker is a thin shell around Core: pending messages are split over
// independently locked shards by ID, and each shard has one timer, armed
// for its earliest deadline, from the Tracker's Clock.
type Tracker struct {
	clock      Clock
	since      sinceClock // clock, when it has Since
	sys        bool       // clock is SystemClock
	epoch      time.Time
	shards     []shard
	mask       uint64
	reg        *kindRegistry
	acks       ackCounters
	pending    atomic.Int64
	maxPending int64
	onOutcome  func(Outcome)
	cfg        config
	closed     atomic.Bool
	resending  sync.WaitGroup // timer callbacks between collecting re-sends and making them
	otelReg    metric.Registration
	settles    atomic.Uint32 // picks Settle's shard, round robin
}

type shard struct {
	mu     sync.Mutex
	t      *Tracker
	core   *Core
	timer  Timer
	armed  int64 // deadline the timer is armed for; MaxInt64 when none
	closed bool
	fire   func()
	_      [64]byte // keep shards' locks on separate cache lines
}

// NewTracker returns a Tracker. Invalid policies are rejected by name.
func NewTracker(opts ...Option) (*Tracker, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	if cfg.clock == nil {
		return nil, errors.New("messaging: NewTracker: nil Clock")
	}
	n := 1
	for n < cfg.shards {
		n <<= 1
	}
	reg, err := newRegistryFromConfig(cfg.def, cfg.policies, n)
	if err != nil {
		return nil, fmt.Errorf("messaging: NewTracker: %w", err)
	}
	t := &Tracker{
		clock:      cfg.clock,
		epoch:      cfg.clock.Now(),
		shards:     make([]shard, n),
		mask:       uint64(n - 1),
		reg:        reg,
		maxPending: int64(cfg.maxPending),
		onOutcome:  cfg.onOutcome,
		cfg:        cfg,
	}
	t.since, _ = cfg.clock.(sinceClock)
	_, t.sys = cfg.clock.(systemClock)
	if t.maxPending <= 0 {
		t.maxPending = math.MaxInt64
	}
	window := cfg.window
	if window > 0 {
		window = max(1, window/n)
	} else {
		window = -1
	}
	for i := range t.shards {
		s := &t.shards[i]
		s.t = t
		s.core = newCore(t.epoch, reg, &t.acks, cfg.seed, uint64(i), window)
		s.armed = math.MaxInt64
		s.fire = s.onTimer
	}
	if cfg.mp != nil {
		if err := t.registerOTel(cfg.mp); err != nil {
			return nil, fmt.Errorf("messaging: NewTracker: %w", err)
		}
	}
	return t, nil
}

// shard picks id's shard from the high bits of its hash (each shard's
// recent set uses the low ones).
func (t *Tracker) shard(id ID) *shard {
	return &t.shards[(id.hash()>>40)&t.mask]
}

func (t *Tracker) now() int64 {
	if t.sys {
		return int64(time.Since(t.epoch)) // no interface call
	}
	if t.since != nil {
		return int64(t.since.Since(t.epoch))
	}
	return int64(t.clock.Now().Sub(t.epoch))
}

// sinceClock is a Clock that can read elapsed time without a wall-clock
// reading (time.Since costs half of time.Now).
type sinceClock interface {
	Since(time.Time) time.Duration
}

// NewID returns a random v4 ID, cheaply: from the runtime's per-thread
// ChaCha8 generator (math/rand/v2), which the OS seeds. IDs need to be
// unique, not reproducible, so no seeded source is involved.
func (t *Tracker) NewID() ID {
	var id ID
	binary.LittleEndian.PutUint64(id[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(id[8:], rand.Uint64())
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // variant RFC 4122
	return id
}

// Track registers m before the caller sends it, so that an ack arriving at
// any moment after Track returns is matched. It returns m's ID (a new one
// if m.ID is zero). Errors: ErrClosed, ErrTooManyPending, ErrDuplicateID.
func (t *Tracker) Track(m Message) (ID, error) {
	if !t.reserve() {
		return ID{}, t.refusal()
	}
	if m.ID.IsZero() {
		m.ID = t.NewID()
	}
	if err := t.trackAt(&m, 0, false); err != nil {
		t.pending.Add(-1)
		return ID{}, err
	}
	return m.ID, nil
}

// trackAt tracks m, whose reservation is taken, as sent at sent on the
// Tracker's clock when dated is true, else now, and arms its shard's timer
// for the ack deadline. It returns ErrClosed if the shard is closed.
func (t *Tracker) trackAt(m *Message, sent int64, dated bool) error {
	s := t.shard(m.ID)
	s.mu.Lock()
	var err error
	if s.closed {
		err = ErrClosed
	} else {
		now := t.now()
		if !dated {
			sent = now
		}
		var deadline int64
		if deadline, err = s.core.track(sent, m); err == nil && deadline < s.armed {
			s.arm(deadline, now)
		}
	}
	s.mu.Unlock()
	return err
}

// Acknowledge applies an ack. Acks for ended or unknown messages are
// counted (Summary's DuplicateAcks and UnknownAcks), not errors.
func (t *Tracker) Acknowledge(a Ack) AckResult { return t.acknowledgeOne(&a, nil) }

// acknowledgeOne is Acknowledge, reporting the outcome to *into when it is
// not nil.
func (t *Tracker) acknowledgeOne(a *Ack, into *[]Outcome) AckResult {
	s := t.shard(a.ID)
	var o [1]Outcome
	s.mu.Lock()
	now := t.now()
	r, ended := s.core.acknowledge(now, a, &o[0])
	if r == AckMatched && !ended {
		s.rearm(now) // a Failed ack scheduled a retry
	}
	s.mu.Unlock()
	if ended {
		t.reportAll(o[:], into)
	}
	return r
}

// AcknowledgeAll applies acks as Acknowledge would, one after the other,
// taking each shard's lock once for all its acks: for a caller that
// receives acks in batches. Acks of one message keep their order; those
// of different messages may be applied in another order. If results is
// not nil it gets each ack's AckResult (it must be as long as acks).
func (t *Tracker) AcknowledgeAll(acks []Ack, results []AckResult) {
	t.acknowledgeAll(acks, results, nil)
}

// AcknowledgeInto is AcknowledgeAll for a caller that hands outcomes on in
// batches itself: the outcomes of the messages the acks ended are appended
// to out, in the order they ended, and not passed to the outcome function
// (WithOutcome). Undelivered ones are logged as usual.
func (t *Tracker) AcknowledgeInto(out []Outcome, acks []Ack, results []AckResult) []Outcome {
	if out == nil {
		out = make([]Outcome, 0, len(acks))
	}
	t.acknowledgeAll(acks, results, &out)
	return out
}

// acknowledgeAll is AcknowledgeAll, reporting ended messages' outcomes to
// *into when it is not nil.
func (t *Tracker) acknowledgeAll(acks []Ack, results []AckResult, into *[]Outcome) {
	if len(t.shards) > 64 {
		for i := range acks {
			r := t.acknowledgeOne(&acks[i], into)
			if results != nil {
				results[i] = r
			}
		}
		return
	}
	var which [256]uint8 // shard of each ack, for the first 256
	var present uint64
	for i := range acks {
		si := uint8((acks[i].ID.hash() >> 40) & t.mask)
		if i < len(which) {
			which[i] = si
		}
		present |= 1 << si
	}
	var outs [16]Outcome
	for present != 0 {
		si := uint8(bits.TrailingZeros64(present))
		present &^= 1 << si
		s := &t.shards[si]
		n := 0
		s.mu.Lock()
		now := t.now()
		rearm := false
		for i := range acks {
			if i < len(which) && which[i] != si ||
				i >= len(which) && uint8((acks[i].ID.hash()>>40)&t.mask) != si {
				continue
			}
			if n == len(outs) { // report what ended so far, outside the lock
				s.mu.Unlock()
				t.reportAll(outs[:], into)
				n = 0
				s.mu.Lock()
				now = t.now()
			}
			r, ended := s.core.acknowledge(now, &acks[i], &outs[n])
			rearm = rearm || r == AckMatched && !ended
			if ended {
				n++
			}
			if results != nil {
				results[i] = r
			}
		}
		if rearm {
			s.rearm(now) // a Failed ack scheduled a retry
		}
		s.mu.Unlock()
		t.reportAll(outs[:n], into)
	}
}

// Nack reports that a delivery attempt failed now (for example the target
// was not found): the message is re-sent after the next backoff step
// rather than after its timeout, or is reported exhausted when no retries
// are left. It reports whether id was pending.
func (t *Tracker) Nack(id ID, err error) bool {
	s := t.shard(id)
	var o Outcome
	s.mu.Lock()
	now := t.now()
	ended, found := s.core.nack(now, id, err, &o)
	if found && !ended {
		s.rearm(now)
	}
	s.mu.Unlock()
	if ended {
		t.report(&o)
	}
	return found
}

// Fail ends id now as ResultUndeliverable with err. It reports whether id
// was pending.
func (t *Tracker) Fail(id ID, err error) bool {
	s := t.shard(id)
	var o Outcome
	s.mu.Lock()
	ok := s.core.fail(t.now(), id, err, &o)
	s.mu.Unlock()
	if ok {
		t.report(&o)
	}
	return ok
}

// SetPolicy sets kind k's policy; messages in flight use it from their
// next timeout on.
func (t *Tracker) SetPolicy(k Kind, p Policy) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("kind %q: %w", k, err)
	}
	t.reg.upsert(k, &p)
	return nil
}

// Policy returns kind k's policy (the default policy for unknown kinds).
func (t *Tracker) Policy(k Kind) Policy {
	if ks, ok := t.reg.all()[k]; ok {
		return *ks.policy.Load()
	}
	return t.reg.def
}

// Pending returns the number of messages awaiting an outcome.
func (t *Tracker) Pending() int { return int(t.pending.Load()) }

// Summary returns a point-in-time copy of the metrics.
func (t *Tracker) Summary() Summary {
	return summarize(t.reg, t.acks.duplicate.Load(), t.acks.unknown.Load(), t.Pending(), func(i int) func() {
		s := &t.shards[i]
		s.mu.Lock()
		return s.mu.Unlock
	})
}

// Close stops the timers and reports every pending message as
// ResultAbandoned. Track fails with ErrClosed afterwards. Close is
// idempotent.
//
// When Close returns, no re-send is running and none will start: Close
// waits for a timer callback that has already collected its re-sends
// (which skips those it has not begun). So a ResendFunc must not block,
// and must not call Close; the outcome function may call it. Outcomes of messages that ended otherwise while
// Close ran (an ack, a timer's give-up) are reported exactly once, by the
// goroutine that ended them, possibly after Close returns.
func (t *Tracker) Close() error {
	if t.closed.Swap(true) {
		return nil
	}
	var outs []Outcome
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		s.closed = true
		if s.timer != nil {
			s.timer.Stop()
		}
		outs = s.core.close(t.now(), outs)
		s.mu.Unlock()
	}
	for i := range outs {
		t.report(&outs[i])
	}
	// Every resending.Add happened under a shard lock while the shard was
	// open, so before the loop above; none can follow.
	t.resending.Wait()
	if t.otelReg != nil {
		return t.otelReg.Unregister()
	}
	return nil
}

func (t *Tracker) report(o *Outcome) {
	t.pending.Add(-1)
	t.reported(o)
}

// reportAll is report for several outcomes, with one update of the
// pending count (shared with Track on other cores) for all; with into, it
// appends them there instead of calling the outcome function.
func (t *Tracker) reportAll(os []Outcome, into *[]Outcome) {
	if len(os) == 0 {
		return
	}
	t.pending.Add(-int64(len(os)))
	for i := range os {
		if into == nil {
			t.reported(&os[i])
		} else {
			t.logUndelivered(&os[i])
			*into = append(*into, os[i])
		}
		os[i] = Outcome{}
	}
}

// reported logs o if it was not delivered and hands it to the outcome
// function; the pending count was updated.
func (t *Tracker) reported(o *Outcome) {
	t.logUndelivered(o)
	if t.onOutcome != nil {
		t.onOutcome(*o)
	}
}

// logUndelivered logs o if it was not delivered.
func (t *Tracker) logUndelivered(o *Outcome) {
	if !o.Result.Delivered() {
		t.cfg.log.Warn("message not delivered", "id", o.ID, "kind", o.Kind, "result", o.Result,
			"attempts", o.Attempts, "err", o.Err)
	}
}

// rearm makes the shard's timer fire by its core's earliest deadline.
// s.mu is held.
func (s *shard) rearm(now int64) {
	if next, ok := s.core.nextDeadline(); ok && next < s.armed {
		s.arm(next, now)
	} // else an earlier firing finds nothing due and re-arms
}

// arm makes the shard's timer fire at deadline. s.mu is held.
func (s *shard) arm(deadline, now int64) {
	s.armed = deadline
	d := time.Duration(max(deadline-now, 0))
	if s.timer == nil {
		s.timer = s.t.clock.AfterFunc(d, s.fire)
	} else {
		s.timer.Reset(d)
	}
}

func (s *shard) onTimer() {
	var acts Actions
	s.mu.Lock()
	s.armed = math.MaxInt64
	if s.closed {
		s.mu.Unlock()
		return
	}
	now := s.t.now()
	s.core.advance(now, &acts)
	s.rearm(now)
	if len(acts.Resends) > 0 {
		s.t.resending.Add(1) // Close waits for this before returning
	}
	s.mu.Unlock()
	s.resend(acts.Resends)
	for i := range acts.Outcomes {
		s.t.report(&acts.Outcomes[i])
	}
}

// resend makes the re-sends a timer callback collected, stopping at Close,
// and then releases Close.
func (s *shard) resend(rs []Resend) {
	if len(rs) == 0 {
		return
	}
	defer s.t.resending.Done()
	for i := range rs {
		r := &rs[i]
		if s.t.closed.Load() {
			return // the message was abandoned; Close is waiting
		}
		if err := r.Do(); err != nil {
			s.t.cfg.log.Debug("re-send failed", "id", r.ID, "kind", r.Kind, "attempt", r.Attempt, "err", err)
			s.mu.Lock()
			s.core.NoteError(r.ID, fmt.Errorf("re-send %d: %w", r.Attempt, err))
			s.mu.Unlock()
		}
	}
}
