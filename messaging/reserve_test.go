package messaging_test

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/messaging/clocktest"
)

func TestElapsedAndClockAreTheTrackers(t *testing.T) {
	tr, clk, _ := newFakeTracker(t)
	assert.Equal(t, messaging.Clock(clk), tr.Clock())
	assert.Equal(t, time.Duration(0), tr.Elapsed())
	clk.Advance(1234 * time.Millisecond)
	assert.Equal(t, 1234*time.Millisecond, tr.Elapsed())
}

// Reservations count as pending, share Track's cap and come back with
// Release; after Close, Reserve is refused.
func TestReserveCountsAgainstTheCap(t *testing.T) {
	tr, _, outs := newFakeTracker(t, messaging.WithMaxPending(2))
	require.NoError(t, tr.Reserve())
	require.NoError(t, tr.Reserve())
	assert.Equal(t, 2, tr.Pending())
	assert.Equal(t, 2, tr.Summary().Pending)

	errR := tr.Reserve()
	require.ErrorIs(t, errR, messaging.ErrTooManyPending)
	_, errT := tr.Track(messaging.Message{Kind: kindFast})
	require.ErrorIs(t, errT, messaging.ErrTooManyPending, "reservations fill the cap for Track too")
	assert.Equal(t, errT.Error(), errR.Error())
	assert.Equal(t, 2, tr.Pending(), "a refusal takes nothing")

	tr.Release(0)
	tr.Release(-3)
	assert.Equal(t, 2, tr.Pending(), "Release of n <= 0 does nothing")
	tr.Release(1)
	assert.Equal(t, 1, tr.Pending())
	_, err := tr.Track(messaging.Message{Kind: kindFast})
	require.NoError(t, err, "Release frees the cap")
	assert.Equal(t, 2, tr.Pending())
	require.ErrorIs(t, tr.Reserve(), messaging.ErrTooManyPending)

	require.NoError(t, tr.Close())
	assert.Equal(t, 1, tr.Pending(), "Close ends the tracked message; the reservation stays the caller's")
	require.Len(t, outs.all(), 1)
	require.ErrorIs(t, tr.Reserve(), messaging.ErrClosed)
	tr.Release(1)
	assert.Equal(t, 0, tr.Pending())
	require.ErrorIs(t, tr.Reserve(), messaging.ErrClosed, "refused even below the cap")
	assert.Equal(t, 0, tr.Pending())
}

// resendLog records re-sends with the tracker's clock reading.
type resendLog struct {
	tr   *messaging.Tracker
	list []resendAt
}

type resendAt struct {
	At      time.Duration
	Attempt int
}

func (l *resendLog) resend(_ messaging.ID, attempt int) error {
	l.list = append(l.list, resendAt{l.tr.Elapsed(), attempt})
	return nil
}

// A message reserved at t0 and handed over later is timed from t0: its
// ack deadline is t0 plus the timeout, its re-send follows after the
// backoff, and its Latency runs from t0.
func TestTrackReservedIsDatedBack(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	clk.Advance(3 * time.Second) // t0 is not the epoch
	require.NoError(t, tr.Reserve())
	t0 := tr.Elapsed()
	clk.Advance(600 * time.Millisecond) // less than kindFast's 1 s timeout
	log := &resendLog{tr: tr}
	id := tr.NewID()
	require.NoError(t, tr.TrackReserved(messaging.Message{ID: id, Kind: kindFast, Data: "d", Resend: log.resend}, t0))
	assert.Equal(t, 1, tr.Pending())

	next, ok := clk.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, t0+time.Second, next.Sub(epoch), "the timer is armed for t0 + timeout")
	// The deadline passes at t0+1 s; the re-send follows the 100 ms backoff.
	clk.Set(epoch.Add(t0 + 1100*time.Millisecond - time.Nanosecond))
	assert.Empty(t, log.list, "no re-send before t0 + timeout + backoff")
	clk.Set(epoch.Add(t0 + 1100*time.Millisecond))
	assert.Equal(t, []resendAt{{t0 + 1100*time.Millisecond, 2}}, log.list)

	clk.Advance(50 * time.Millisecond)
	require.Equal(t, messaging.AckMatched, tr.Acknowledge(messaging.Ack{ID: id, Status: messaging.StatusSuccess}))
	got := outs.all()
	require.Len(t, got, 1)
	assert.Equal(t, id, got[0].ID)
	assert.Equal(t, messaging.ResultSuccess, got[0].Result)
	assert.Equal(t, 2, got[0].Attempts)
	assert.Equal(t, "d", got[0].Data)
	assert.Equal(t, 1150*time.Millisecond, got[0].Latency, "latency from t0")
	assert.Equal(t, 0, tr.Pending())
	k, ok := tr.Summary().Kind(kindFast)
	require.True(t, ok)
	assert.Equal(t, messaging.Counts{Sent: 1, Succeeded: 1, Retried: 1, Timeouts: 1}, k.Counts)
	assert.Equal(t, uint64(0), k.RTTSamples, "a re-sent message gives no RTT sample")
}

// Acked on its first attempt, a message handed over late gives the RTT
// sample and latency from its send.
func TestTrackReservedSamplesFromTheSend(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	require.NoError(t, tr.Reserve())
	t0 := tr.Elapsed()
	clk.Advance(300 * time.Millisecond)
	id := tr.NewID()
	require.NoError(t, tr.TrackReserved(messaging.Message{ID: id, Kind: kindFast}, t0))
	clk.Advance(100 * time.Millisecond)
	require.Equal(t, messaging.AckMatched, tr.Acknowledge(messaging.Ack{ID: id, Status: messaging.StatusSuccess}))
	got := outs.all()
	require.Len(t, got, 1)
	assert.Equal(t, 400*time.Millisecond, got[0].Latency)
	assert.Equal(t, 1, got[0].Attempts)
	k, ok := tr.Summary().Kind(kindFast)
	require.True(t, ok)
	assert.Equal(t, uint64(1), k.RTTSamples)
	assert.Equal(t, 400*time.Millisecond, k.SRTT, "the first sample is the SRTT")
	assert.Equal(t, 400*time.Millisecond, k.Latency.Max)
}

// A message handed over after its deadline is re-sent at the timer's next
// firing, with no time passing, not a timeout later.
func TestTrackReservedPastItsDeadline(t *testing.T) {
	tr, clk, _ := newFakeTracker(t)
	require.NoError(t, tr.Reserve())
	t0 := tr.Elapsed()
	clk.Advance(1500 * time.Millisecond) // past kindFast's 1 s and its 100 ms backoff
	log := &resendLog{tr: tr}
	require.NoError(t, tr.TrackReserved(messaging.Message{ID: tr.NewID(), Kind: kindFast, Resend: log.resend}, t0))
	assert.Empty(t, log.list, "TrackReserved itself never re-sends")
	clk.Advance(0)
	assert.Equal(t, []resendAt{{t0 + 1500*time.Millisecond, 2}}, log.list)
	k, ok := tr.Summary().Kind(kindFast)
	require.True(t, ok)
	assert.Equal(t, uint64(1), k.Counts.Timeouts)
	assert.Equal(t, 1, tr.Pending())
}

// After Close a handed-over message gets exactly one Abandoned outcome, as
// if Close had found it pending, and its reservation comes back.
func TestTrackReservedAfterClose(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	require.NoError(t, tr.Reserve())
	t0 := tr.Elapsed()
	clk.Advance(200 * time.Millisecond)
	require.NoError(t, tr.Close())
	id := tr.NewID()
	err := tr.TrackReserved(messaging.Message{ID: id, Kind: kindFast, Data: "payload"}, t0)
	require.ErrorIs(t, err, messaging.ErrClosed)
	require.NoError(t, tr.Close())
	got := outs.all()
	require.Len(t, got, 1)
	o := got[0]
	assert.Equal(t, id, o.ID)
	assert.Equal(t, kindFast, o.Kind)
	assert.Equal(t, messaging.ResultAbandoned, o.Result)
	assert.ErrorIs(t, o.Err, messaging.ErrAbandoned)
	assert.Equal(t, 1, o.Attempts)
	assert.Equal(t, "payload", o.Data)
	assert.Equal(t, 200*time.Millisecond, o.Latency)
	assert.Equal(t, 0, tr.Pending())
	k, ok := tr.Summary().Kind(kindFast)
	require.True(t, ok)
	assert.Equal(t, messaging.Counts{Sent: 1, Abandoned: 1}, k.Counts)
}

// A zero ID or a duplicate ID is refused with the reservation given back
// and no outcome.
func TestTrackReservedRefusals(t *testing.T) {
	tr, _, outs := newFakeTracker(t)
	require.NoError(t, tr.Reserve())
	err := tr.TrackReserved(messaging.Message{Kind: kindFast}, tr.Elapsed())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ID")
	assert.Equal(t, 0, tr.Pending())

	id, err := tr.Track(messaging.Message{Kind: kindFast})
	require.NoError(t, err)
	require.NoError(t, tr.Reserve())
	err = tr.TrackReserved(messaging.Message{ID: id, Kind: kindFast}, tr.Elapsed())
	require.ErrorIs(t, err, messaging.ErrDuplicateID)
	assert.Equal(t, 1, tr.Pending(), "only the tracked message")
	assert.Empty(t, outs.all())
	k, ok := tr.Summary().Kind(kindFast)
	require.True(t, ok)
	assert.Equal(t, uint64(1), k.Counts.Sent)
}

// Settle gives the Summary that Track and a Success ack of the same
// messages give: counts, latency histogram and, on one shard, the
// adaptive timeout's state, sample by sample.
func TestSettleMatchesTrackAndAcknowledge(t *testing.T) {
	type msg struct {
		kind    messaging.Kind
		latency time.Duration
	}
	rnd := rand.New(rand.NewPCG(13, 1))
	msgs := make([]msg, 300)
	for i := range msgs {
		if rnd.IntN(3) == 0 { // runs of either kind, mostly kindFast
			msgs[i] = msg{kindMedium, time.Second + time.Duration(rnd.Int64N(int64(3*time.Second)))}
		} else {
			msgs[i] = msg{kindFast, 500*time.Millisecond + time.Duration(rnd.Int64N(int64(450*time.Millisecond)))}
		}
	}
	for _, shards := range []int{1, 8} {
		// Tracked: each message acked after its latency, before the next.
		trA, clkA, outsA := newFakeTracker(t, messaging.WithShards(shards))
		for _, m := range msgs {
			id, err := trA.Track(messaging.Message{Kind: m.kind})
			require.NoError(t, err)
			clkA.Advance(m.latency)
			require.Equal(t, messaging.AckMatched, trA.Acknowledge(messaging.Ack{ID: id, Status: messaging.StatusSuccess}))
		}
		require.Len(t, outsA.all(), len(msgs))
		// Reserved and settled in batches of 7, on a clock that stays put.
		trB, _, outsB := newFakeTracker(t, messaging.WithShards(shards))
		for range msgs {
			require.NoError(t, trB.Reserve())
		}
		assert.Equal(t, len(msgs), trB.Pending())
		for i := 0; i < len(msgs); i += 7 {
			var batch []messaging.Settled
			for _, m := range msgs[i:min(i+7, len(msgs))] {
				batch = append(batch, messaging.Settled{Kind: m.kind, Latency: m.latency})
			}
			trB.Settle(batch)
		}
		trB.Settle(nil)
		assert.Empty(t, outsB.all(), "Settle calls no outcome function")
		assert.Equal(t, 0, trB.Pending())

		a, b := trA.Summary(), trB.Summary()
		fast, ok := a.Kind(kindFast)
		require.True(t, ok)
		require.Greater(t, fast.Timeout, time.Second, "the samples raised the adaptive timeout")
		if shards == 1 {
			assert.Equal(t, a, b, "one shard: the same Summary, adaptive timeout included")
			continue
		}
		// On several shards the tracked samples spread by ID; Settle's
		// batches go where the round robin puts them. Sums are equal.
		assert.Equal(t, a.Totals, b.Totals)
		assert.Equal(t, a.Pending, b.Pending)
		require.Len(t, b.Kinds, len(a.Kinds))
		for i := range a.Kinds {
			assert.Equal(t, a.Kinds[i].Kind, b.Kinds[i].Kind)
			assert.Equal(t, a.Kinds[i].Counts, b.Kinds[i].Counts)
			assert.Equal(t, a.Kinds[i].Latency, b.Kinds[i].Latency)
			assert.Equal(t, a.Kinds[i].RTTSamples, b.Kinds[i].RTTSamples)
		}
	}
}

// Settling, handing over, acking, timing out and Close all at once: every
// handed-over message ends exactly once, and nothing stays pending. Each
// round is one race; several make its narrow windows likely to be hit.
func TestReserveRacingClose(t *testing.T) {
	for round := 0; round < 4; round++ {
		raceReserveAndClose(t, round == 0)
	}
}

func raceReserveAndClose(t *testing.T, logSummary bool) {
	clk := clocktest.New(epoch)
	var mu sync.Mutex
	ended := map[messaging.ID]int{}
	tr, err := messaging.NewTracker(append(testPolicies(), messaging.WithClock(clk),
		messaging.WithOutcome(func(o messaging.Outcome) {
			mu.Lock()
			ended[o.ID]++
			mu.Unlock()
		}))...)
	require.NoError(t, err)

	const workers = 2
	var wg sync.WaitGroup
	busy := make(chan struct{}, workers+1) // the hand-over workers and the clock say when they are under way
	stop := make(chan struct{})
	var closeReturned atomic.Bool
	reserve := func() bool { // whether to go on
		after := closeReturned.Load()
		err := tr.Reserve()
		if err == nil && after {
			t.Error("Reserve succeeded after Close returned")
			tr.Release(1)
			return false
		}
		if err != nil {
			assert.ErrorIs(t, err, messaging.ErrClosed)
		}
		return err == nil
	}
	handed := make([][]messaging.ID, workers)
	settled := make([]int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(2)
		go func() { // reserve, settle in batches
			defer wg.Done()
			var batch []messaging.Settled
			for i := 0; reserve(); i++ {
				batch = append(batch, messaging.Settled{Kind: kindFast, Latency: time.Duration(i%7) * time.Millisecond})
				if len(batch) == 10 {
					tr.Settle(batch)
					settled[w] += len(batch)
					batch = batch[:0]
				}
			}
			tr.Settle(batch)
			settled[w] += len(batch)
		}()
		go func() { // reserve, hand over, ack every other
			defer wg.Done()
			for i := 0; ; i++ {
				if i == 300 {
					busy <- struct{}{}
				}
				if !reserve() {
					return
				}
				sent := tr.Elapsed()
				id := tr.NewID()
				handed[w] = append(handed[w], id)
				err := tr.TrackReserved(messaging.Message{ID: id, Kind: kindFast}, sent)
				if err != nil {
					assert.ErrorIs(t, err, messaging.ErrClosed)
					continue
				}
				if i%2 == 0 {
					tr.Acknowledge(messaging.Ack{ID: id, Status: messaging.StatusSuccess})
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // time passes: unacked messages time out, are retried, run out of retries
		defer wg.Done()
		for i := 0; ; i++ {
			if i == 50 {
				busy <- struct{}{}
			}
			select {
			case <-stop:
				return
			default:
				clk.Advance(100 * time.Millisecond)
			}
		}
	}()
	for i := 0; i < workers+1; i++ {
		<-busy
	}
	require.NoError(t, tr.Close())
	closeReturned.Store(true)
	close(stop)
	wg.Wait()

	var n, nSettled int
	mu.Lock()
	defer mu.Unlock()
	for w := range handed {
		nSettled += settled[w]
		for _, id := range handed[w] {
			n++
			assert.Equal(t, 1, ended[id], "message %v", id)
		}
	}
	assert.Equal(t, n, len(ended), "no outcome for anything else")
	assert.Equal(t, 0, tr.Pending())
	s := tr.Summary()
	assert.Equal(t, uint64(n+nSettled), s.Totals.Sent)
	assert.Equal(t, s.Totals.Sent, s.Totals.Ended(), "everything sent has ended")
	if logSummary {
		t.Logf("%d handed over, %d settled; %s", n, nSettled, s)
	}
}
