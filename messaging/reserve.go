package messaging

import (
	"errors"
	"fmt"
	"time"
)

// Reservations let a caller keep a message outside the Tracker while it
// is likely to succeed (an in-process fast path): Reserve counts it as
// pending at send; Settle records its plain Success in batches; anything
// else makes the caller hand it over with TrackReserved, dated back to its
// send, after which it is tracked as if Track had been called then.

// Elapsed returns the time on the Tracker's clock since its epoch (the
// same reading Track uses for "now").
func (t *Tracker) Elapsed() time.Duration { return time.Duration(t.now()) }

// Clock returns the Tracker's clock (for timers a caller keeps on the
// same clock, e.g. in clocktest tests).
func (t *Tracker) Clock() Clock { return t.clock }

// Reserve counts one message as pending (Pending, Summary and the
// WithMaxPending cap see it), as Track does, for a caller that keeps it
// outside the Tracker for now. Errors: ErrClosed after Close;
// ErrTooManyPending (wrapped, with the same text as Track's) at the cap.
func (t *Tracker) Reserve() error {
	if !t.reserve() {
		return t.refusal()
	}
	return nil
}

// reserve takes one reservation, or none when the Tracker is closed or at
// its cap (refusal says which). Small enough to inline into Track.
func (t *Tracker) reserve() bool {
	if t.pending.Add(1) > t.maxPending || t.closed.Load() {
		t.pending.Add(-1)
		return false
	}
	return true
}

// refusal is the error of a reservation reserve did not take.
func (t *Tracker) refusal() error {
	if t.closed.Load() {
		return ErrClosed
	}
	return fmt.Errorf("%w: cap of %d reached", ErrTooManyPending, t.maxPending)
}

// Release gives back n reservations whose messages were never sent.
// n <= 0 does nothing.
func (t *Tracker) Release(n int) {
	if n > 0 {
		t.pending.Add(-int64(n))
	}
}

// errZeroID is TrackReserved's error for a message without an ID.
var errZeroID = errors.New("messaging: TrackReserved: Message.ID is zero")

// TrackReserved tracks m with one reservation taken earlier, as if
// Track(m) had been called at sent (an Elapsed reading): the ack deadline
// is sent plus the kind's ack timeout, and the outcome's Latency is
// measured from sent. A deadline already past is handled at the shard
// timer's next firing, which is armed for it at once.
//
// The reservation is used up either way: on an error other than ErrClosed
// (a zero m.ID, ErrDuplicateID) it is given back and no outcome follows.
// After Close, m is reported through the outcome function as
// ResultAbandoned with ErrAbandoned, exactly once, as Close reports pending
// messages, and TrackReserved returns ErrClosed.
func (t *Tracker) TrackReserved(m Message, sent time.Duration) error {
	if m.ID.IsZero() {
		t.pending.Add(-1)
		return errZeroID
	}
	err := ErrClosed
	if !t.closed.Load() {
		err = t.trackAt(&m, int64(sent), true)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrClosed):
		t.abandon(&m, sent)
		return ErrClosed
	default:
		t.pending.Add(-1)
		return err
	}
}

// abandon reports reserved message m, sent at sent, as Close reports a
// pending one: counted as sent and abandoned, and passed on as
// ResultAbandoned after one attempt.
func (t *Tracker) abandon(m *Message, sent time.Duration) {
	ks := t.reg.get(m.Kind)
	s := t.shard(m.ID)
	s.mu.Lock()
	now := t.now()
	st := &ks.stats[s.core.stripe]
	st.sent++
	st.abandoned++
	s.mu.Unlock()
	o := Outcome{
		ID: m.ID, Kind: m.Kind, Result: ResultAbandoned, Attempts: 1, Err: ErrAbandoned,
		Latency: time.Duration(now) - sent, Data: m.Data,
	}
	t.report(&o)
}

// Settled is a reserved message that ended in Success outside the Tracker.
type Settled struct {
	Kind    Kind
	Latency time.Duration // from its send to its Success
}

// Settle ends reserved messages that succeeded outside the Tracker, one
// reservation each: per message, the kind's Sent and Succeeded counts grow
// by one, Latency goes into its latency histogram and is an RTT sample for
// its adaptive timeout (first attempts, never re-sent: Karn's rule allows
// it). Pending falls by len(s). Settle takes one shard lock for the whole
// batch. The outcome function is not called, and no ID is remembered for
// late acks. It works after Close too: those messages did succeed.
func (t *Tracker) Settle(s []Settled) {
	if len(s) == 0 {
		return
	}
	sh := &t.shards[uint64(t.settles.Add(1))&t.mask]
	var kind Kind
	var ks *kindState
	sh.mu.Lock()
	stripe := sh.core.stripe
	for i := range s {
		if ks == nil || s[i].Kind != kind {
			kind, ks = s[i].Kind, t.reg.get(s[i].Kind)
		}
		st := &ks.stats[stripe]
		st.sent++
		st.succeeded++
		st.rto.sample(int64(s[i].Latency))
		st.latency.record(s[i].Latency)
	}
	sh.mu.Unlock()
	t.pending.Add(-int64(len(s)))
}
