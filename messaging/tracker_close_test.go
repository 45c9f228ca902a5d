package messaging_test

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/messaging/clocktest"
)

// A timer callback has collected two re-sends and is blocked in the first
// when Close is called: Close must not return until that re-send does, and
// the second must never be made.
func TestTrackerCloseWaitsForAResendInProgress(t *testing.T) {
	clk := clocktest.New(epoch)
	outs := make(chan messaging.Outcome, 8)
	tr, err := messaging.NewTracker(messaging.WithClock(clk), messaging.WithShards(1),
		messaging.WithPolicy("k", messaging.Policy{Timeout: time.Second, MaxRetries: 3, Backoff: messaging.DefaultBackoff()}),
		messaging.WithOutcome(func(o messaging.Outcome) { outs <- o }))
	require.NoError(t, err)

	inResend, release := make(chan struct{}), make(chan struct{})
	var resends atomic.Int32
	resend := func(messaging.ID, int) error {
		if resends.Add(1) == 1 {
			close(inResend)
			<-release
		}
		return nil
	}
	for i := 0; i < 2; i++ { // both due in the same timer callback
		_, err := tr.Track(messaging.Message{Kind: "k", Resend: resend})
		require.NoError(t, err)
	}
	advanced := make(chan struct{})
	go func() { clk.Advance(1100 * time.Millisecond); close(advanced) }()
	<-inResend

	closed := make(chan struct{})
	go func() { require.NoError(t, tr.Close()); close(closed) }()
	for i := 0; i < 2; i++ { // Close reports the abandoned messages before it waits
		o := <-outs
		assert.Equal(t, messaging.ResultAbandoned, o.Result)
	}
	// Close is now waiting, or (broken) has returned: give it every chance.
	select {
	case <-closed:
		t.Fatal("Close returned while a re-send was running")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	<-closed
	<-advanced
	assert.Equal(t, int32(1), resends.Load(), "the second collected re-send is never made")
	assert.Equal(t, 0, tr.Pending())
	assert.Empty(t, outs)
}

// Many goroutines track, ack and get re-sent on the real clock with 1 ms
// timeouts while Close runs: every message tracked gets exactly one
// outcome, and no re-send starts after Close has returned. The verdict
// does not depend on speed; only how much of the race is exercised does.
func TestTrackerCloseRacingTimersAndAcksGivesExactlyOneOutcome(t *testing.T) {
	var outMu sync.Mutex
	got := map[messaging.ID]int{}
	var nOut atomic.Int64
	allOut := make(chan struct{}, 1)
	var want atomic.Int64
	want.Store(-1) // unknown until the trackers stop
	check := func() {
		if w := want.Load(); w >= 0 && nOut.Load() == w {
			select {
			case allOut <- struct{}{}:
			default:
			}
		}
	}
	p := messaging.Policy{Timeout: time.Millisecond, MaxRetries: 1 << 20,
		Backoff: messaging.Backoff{Base: time.Millisecond, Multiplier: 1, Max: time.Millisecond}}
	tr, err := messaging.NewTracker(messaging.WithPolicy("k", p), messaging.WithShards(4), messaging.WithSeed(1),
		messaging.WithOutcome(func(o messaging.Outcome) {
			outMu.Lock()
			got[o.ID]++
			outMu.Unlock()
			nOut.Add(1)
			check()
		}))
	require.NoError(t, err)

	var closing, closeReturned atomic.Bool
	var lateResends, resends atomic.Int64
	enoughResends := make(chan struct{})
	acks := make(chan messaging.ID, 1024)
	closeDone := make(chan struct{})
	resend := func(id messaging.ID, _ int) error {
		select {
		case acks <- id:
		default:
		}
		if resends.Add(1) == 2000 {
			// This re-send is still running when Close is called (the test
			// calls it on this signal): Close must not return before it does.
			close(enoughResends)
			select {
			case <-closeDone:
			case <-time.After(100 * time.Millisecond):
			}
		} else if closing.Load() {
			runtime.Gosched()
		}
		if closeReturned.Load() {
			lateResends.Add(1)
		}
		return nil
	}

	var trackedMu sync.Mutex
	tracked := map[messaging.ID]bool{}
	var trackers, ackers sync.WaitGroup
	for w := 0; w < 8; w++ {
		trackers.Add(1)
		go func() {
			defer trackers.Done()
			for {
				id, err := tr.Track(messaging.Message{Kind: "k", Resend: resend})
				if errors.Is(err, messaging.ErrClosed) {
					return
				}
				if !assert.NoError(t, err) {
					return
				}
				trackedMu.Lock()
				tracked[id] = true
				n := len(tracked)
				trackedMu.Unlock()
				if n%4 == 0 { // some are acked at once, the rest when re-sent
					tr.Acknowledge(messaging.Success(id))
				}
				if n%64 == 0 {
					runtime.Gosched() // let timers fire between bursts
				}
			}
		}()
	}
	stopAcks := make(chan struct{})
	for w := 0; w < 4; w++ {
		ackers.Add(1)
		go func(seed uint64) {
			defer ackers.Done()
			rnd := rand.New(rand.NewPCG(seed, 0))
			for {
				select {
				case id := <-acks:
					if rnd.IntN(3) == 0 {
						tr.Acknowledge(messaging.Success(id))
					}
				case <-stopAcks:
					return
				}
			}
		}(uint64(w))
	}

	select {
	case <-enoughResends:
	case <-time.After(30 * time.Second):
		t.Fatal("no re-sends on the real clock")
	}
	closing.Store(true)
	require.NoError(t, tr.Close())
	closeReturned.Store(true)
	close(closeDone)
	trackers.Wait()
	want.Store(int64(len(tracked)))
	check()
	select {
	case <-allOut:
	case <-time.After(30 * time.Second):
		t.Fatalf("outcomes: %d of %d", nOut.Load(), len(tracked))
	}
	close(stopAcks)
	ackers.Wait()

	outMu.Lock()
	defer outMu.Unlock()
	require.Len(t, got, len(tracked), "every tracked message has an outcome")
	for id, n := range got {
		require.True(t, tracked[id], "an outcome for an untracked ID")
		require.Equal(t, 1, n, "exactly one outcome per message")
	}
	assert.Zero(t, lateResends.Load(), "re-sends running after Close returned")
	assert.Equal(t, 0, tr.Pending())
	t.Logf("%d messages, %d re-sends", len(tracked), resends.Load())
}

// An outcome function may call Close, even for a give-up reported by a
// timer callback that also made re-sends: Close waits only for re-sends.
func TestTrackerOutcomeFunctionMayCallClose(t *testing.T) {
	clk := clocktest.New(epoch)
	var tr *messaging.Tracker
	var got []messaging.Result
	tr, err := messaging.NewTracker(messaging.WithClock(clk), messaging.WithShards(1),
		messaging.WithPolicy("once", messaging.Policy{Timeout: time.Second, Backoff: messaging.DefaultBackoff()}),
		messaging.WithPolicy("retry", messaging.Policy{Timeout: time.Second, MaxRetries: 1, Backoff: messaging.DefaultBackoff()}),
		messaging.WithOutcome(func(o messaging.Outcome) {
			got = append(got, o.Result)
			if o.Result == messaging.ResultExhausted {
				require.NoError(t, tr.Close())
			}
		}))
	require.NoError(t, err)
	resent := 0
	_, err = tr.Track(messaging.Message{Kind: "retry", Resend: func(messaging.ID, int) error { resent++; return nil }})
	require.NoError(t, err)
	clk.Advance(100 * time.Millisecond)
	_, err = tr.Track(messaging.Message{Kind: "once"}) // exhausts at 1.1 s, when "retry" is re-sent
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { clk.Advance(time.Second); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close called from an outcome function deadlocked")
	}
	assert.Equal(t, 1, resent)
	assert.Equal(t, []messaging.Result{messaging.ResultExhausted, messaging.ResultAbandoned}, got)
}
