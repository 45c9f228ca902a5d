package messaging_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
)

// model is a deliberately naive Core: a map of entries, scanned in full
// on every step, and the adaptive timeout written out plainly. The real
// Core (queues, heap, slab, rtoEstimator) must agree with it.
type model struct {
	policies map[messaging.Kind]messaging.Policy
	entries  map[messaging.ID]*modelEntry
	rtt      map[messaging.Kind]*modelRTT
	// How often a timeout was above its floor, and capped: the test
	// requires both, so it covers them.
	adapted, capped int
}

type modelEntry struct {
	kind     messaging.Kind
	attempt  int
	backoff  bool
	extended bool
	start    time.Duration
	sent     time.Duration // the ack phase began: a send, or a Retrying ack
	deadline time.Duration
}

// modelRTT is RFC 6298 as docs/messaging.md states it.
type modelRTT struct {
	n                 int
	srtt, rttvar, rto time.Duration
}

func (r *modelRTT) sample(x time.Duration) {
	if r.n == 0 {
		r.srtt, r.rttvar = x, x/2
	} else {
		diff := r.srtt - x
		if diff < 0 {
			diff = -diff
		}
		r.rttvar += (diff - r.rttvar) / 4
		r.srtt += (x - r.srtt) / 8
	}
	r.n++
	q := roundUp3Naive(r.srtt + 4*r.rttvar)
	if q > r.rto || float64(q) < float64(r.rto)*7/8 {
		r.rto = q
	}
}

// roundUp3Naive returns the least m<<e >= v with 8 <= m <= 15 (v < 16: v).
func roundUp3Naive(v time.Duration) time.Duration {
	if v < 16 {
		return v
	}
	for e := 0; ; e++ {
		for m := time.Duration(8); m <= 15; m++ {
			if m<<e >= v {
				return m << e
			}
		}
	}
}

func (m *model) timeout(k messaging.Kind) time.Duration {
	p := m.policies[k]
	r := m.rtt[k]
	if r == nil || p.FixedTimeout || r.rto <= p.Timeout {
		return p.Timeout
	}
	limit := max(time.Minute, p.Timeout)
	if p.MaxTimeout > 0 {
		limit = p.MaxTimeout
	}
	m.adapted++
	if r.rto > limit {
		m.capped++
	}
	return min(r.rto, limit)
}

func (m *model) track(t time.Duration, id messaging.ID, k messaging.Kind) {
	m.entries[id] = &modelEntry{kind: k, attempt: 1, start: t, sent: t, deadline: t + m.timeout(k)}
}

// ack applies a Success or Retrying ack to a pending entry.
func (m *model) ack(t time.Duration, id messaging.ID, e *modelEntry, retrying bool) {
	if e.attempt == 1 && !e.extended && !retrying {
		if m.rtt[e.kind] == nil {
			m.rtt[e.kind] = &modelRTT{}
		}
		m.rtt[e.kind].sample(t - e.start)
	}
	if retrying {
		e.extended, e.backoff, e.sent, e.deadline = true, false, t, t+m.timeout(e.kind)
	} else {
		delete(m.entries, id)
	}
}

// retry moves e to backoff from base, or ends it; it reports the end.
func (m *model) retry(id messaging.ID, e *modelEntry, base time.Duration) (string, bool) {
	p := m.policies[e.kind]
	if e.attempt-1 >= p.MaxRetries {
		delete(m.entries, id)
		return fmt.Sprintf("%v Exhausted %d", id, e.attempt), true
	}
	e.backoff, e.deadline = true, base+p.Backoff.Delay(e.attempt, nil)
	return "", false
}

func (m *model) advance(t time.Duration) (events []string) {
	for {
		var due []messaging.ID
		for id, e := range m.entries {
			if e.deadline <= t {
				due = append(due, id)
			}
		}
		if len(due) == 0 {
			return events
		}
		for _, id := range due {
			e := m.entries[id]
			if e.backoff {
				e.attempt++
				e.backoff, e.sent, e.deadline = false, t, t+m.timeout(e.kind)
				events = append(events, fmt.Sprintf("%v resend %d", id, e.attempt))
			} else if to := m.timeout(e.kind); e.sent+to > t {
				e.deadline = e.sent + to // the timeout grew since the send: wait it out
			} else if ev, ended := m.retry(id, e, e.deadline); ended {
				events = append(events, ev)
			}
		}
	}
}

func TestCoreAgreesWithNaiveModel(t *testing.T) {
	pol := func(timeout time.Duration, retries int) messaging.Policy {
		return messaging.Policy{Timeout: timeout, MaxRetries: retries, Backoff: messaging.DefaultBackoff()}
	}
	capped, fixed := pol(300*time.Millisecond, 4), pol(200*time.Millisecond, 3)
	capped.MaxTimeout = 700 * time.Millisecond
	fixed.FixedTimeout = true
	policies := map[messaging.Kind]messaging.Policy{"a": pol(time.Second, 2), "b": capped, "c": pol(5*time.Second, 1), "d": fixed}
	kinds := []messaging.Kind{"a", "b", "c", "d"}
	var adapted, cappedN int
	for seed := uint64(1); seed <= 40; seed++ {
		rnd := rand.New(rand.NewPCG(seed, 99))
		epoch := time.Unix(1000, 0)
		core, err := messaging.NewCore(epoch, messaging.CoreConfig{Policies: policies})
		require.NoError(t, err)
		m := &model{policies: policies, entries: map[messaging.ID]*modelEntry{}, rtt: map[messaging.Kind]*modelRTT{}}
		var ids []messaging.ID
		var now time.Duration
		var acts messaging.Actions
		for step := 0; step < 3000; step++ {
			var got, want []string
			switch op := rnd.IntN(10); {
			case op < 4:
				id := messaging.NewID()
				k := kinds[rnd.IntN(len(kinds))]
				_, err := core.Track(epoch.Add(now), messaging.Message{ID: id, Kind: k})
				require.NoError(t, err)
				m.track(now, id, k)
				ids = append(ids, id)
			case op < 6 && len(ids) > 0:
				id := ids[rnd.IntN(len(ids))]
				a := messaging.Success(id)
				if rnd.IntN(3) == 0 {
					a = messaging.Retrying(id, "busy")
				}
				r, o, ended := core.Acknowledge(epoch.Add(now), a)
				if ended {
					got = append(got, fmt.Sprintf("%v %v %d", o.ID, o.Result, o.Attempts))
				}
				if e, ok := m.entries[id]; ok {
					require.NotEqual(t, messaging.AckUnknown, r)
					retrying := a.Status == messaging.StatusRetrying
					m.ack(now, id, e, retrying)
					if !retrying {
						want = append(want, fmt.Sprintf("%v Success %d", id, e.attempt))
					}
				}
			case op < 7 && len(ids) > 0:
				id := ids[rnd.IntN(len(ids))]
				if o, ended, _ := core.Nack(epoch.Add(now), id, nil); ended {
					got = append(got, fmt.Sprintf("%v %v %d", o.ID, o.Result, o.Attempts))
				}
				if e, ok := m.entries[id]; ok && !e.backoff {
					if ev, ended := m.retry(id, e, now); ended {
						want = append(want, ev)
					}
				}
			default:
				now += time.Duration(rnd.IntN(400)) * time.Millisecond
				acts.Reset()
				core.Advance(epoch.Add(now), &acts)
				for _, r := range acts.Resends {
					got = append(got, fmt.Sprintf("%v resend %d", r.ID, r.Attempt))
				}
				for _, o := range acts.Outcomes {
					got = append(got, fmt.Sprintf("%v %v %d", o.ID, o.Result, o.Attempts))
				}
				want = m.advance(now)
			}
			slices.Sort(got)
			slices.Sort(want)
			require.Equal(t, want, got, "seed %d step %d", seed, step)
			require.Equal(t, len(m.entries), core.Pending(), "seed %d step %d", seed, step)
			next, ok := core.NextDeadline()
			var mnext time.Duration = 1 << 62
			for _, e := range m.entries {
				mnext = min(mnext, e.deadline)
			}
			require.Equal(t, len(m.entries) > 0, ok)
			if ok {
				require.Equal(t, mnext, next.Sub(epoch), "seed %d step %d: next deadline", seed, step)
			}
		}
		adapted, cappedN = adapted+m.adapted, cappedN+m.capped
	}
	require.Positive(t, adapted, "some timeouts adapted above their floor")
	require.Positive(t, cappedN, "some were capped")
	t.Logf("%d adapted timeouts, %d capped", adapted, cappedN)
}

func TestTrackerShorterTimeoutMidFlightStillFiresInOrder(t *testing.T) {
	tr, clk, outs := newFakeTracker(t, messaging.WithShards(1))
	p := messaging.Policy{Timeout: 10 * time.Second, MaxRetries: 0, Backoff: messaging.DefaultBackoff()}
	require.NoError(t, tr.SetPolicy("k", p))
	slow, err := tr.Track(messaging.Message{Kind: "k"})
	require.NoError(t, err)
	p.Timeout = time.Second
	require.NoError(t, tr.SetPolicy("k", p))
	fast, err := tr.Track(messaging.Message{Kind: "k"}) // earlier deadline than the one queued
	require.NoError(t, err)
	clk.Advance(time.Second)
	require.Len(t, outs.all(), 1)
	require.Equal(t, fast, outs.all()[0].ID)
	clk.Advance(9 * time.Second)
	require.Len(t, outs.all(), 2)
	require.Equal(t, slow, outs.all()[1].ID)
}
