package messaging_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/messaging/clocktest"
)

var epoch = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// The tests' kinds: messaging has none of its own, so each gets a policy
// here (newFakeTracker registers them), with DefaultBackoff.
const (
	kindFast   messaging.Kind = "Fast"   // 1 s timeout, 2 retries
	kindMedium messaging.Kind = "Medium" // 5 s, 3 retries
	kindSlow   messaging.Kind = "Slow"   // 10 s, 5 retries
	kindUpload messaging.Kind = "Upload" // 3 s, 3 retries
)

func testPolicies() []messaging.Option {
	p := func(timeout time.Duration, retries int) messaging.Policy {
		return messaging.Policy{Timeout: timeout, MaxRetries: retries, Backoff: messaging.DefaultBackoff()}
	}
	return []messaging.Option{
		messaging.WithPolicy(kindFast, p(time.Second, 2)),
		messaging.WithPolicy(kindMedium, p(5*time.Second, 3)),
		messaging.WithPolicy(kindSlow, p(10*time.Second, 5)),
		messaging.WithPolicy(kindUpload, p(3*time.Second, 3)),
	}
}

// outcomes collects a Tracker's outcomes.
type outcomes struct {
	mu   sync.Mutex
	list []messaging.Outcome
}

func (o *outcomes) add(x messaging.Outcome) {
	o.mu.Lock()
	o.list = append(o.list, x)
	o.mu.Unlock()
}

func (o *outcomes) all() []messaging.Outcome {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]messaging.Outcome(nil), o.list...)
}

func newFakeTracker(t *testing.T, opts ...messaging.Option) (*messaging.Tracker, *clocktest.Clock, *outcomes) {
	t.Helper()
	clk := clocktest.New(epoch)
	outs := &outcomes{}
	base := append(testPolicies(), messaging.WithClock(clk), messaging.WithOutcome(outs.add))
	tr, err := messaging.NewTracker(append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tr.Close() })
	return tr, clk, outs
}

func TestTrackerResendsWithAttemptNumbersOnTheBackoffSchedule(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	type call struct {
		at      time.Duration
		attempt int
	}
	var calls []call
	payload := "graph v7"
	var sent []string
	id, err := tr.Track(messaging.Message{Kind: kindFast, Data: payload, Resend: func(_ messaging.ID, attempt int) error {
		calls = append(calls, call{clk.Now().Sub(epoch), attempt})
		sent = append(sent, payload)
		return nil
	}})
	require.NoError(t, err)
	// UpdateNodePositions: 1 s timeout, 2 retries; backoff 100 ms then 200 ms.
	next, ok := clk.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, time.Second, next.Sub(epoch), "the timer is armed for the exact deadline")
	clk.Advance(10 * time.Second)
	assert.Equal(t, []call{{1100 * time.Millisecond, 2}, {2300 * time.Millisecond, 3}}, calls)
	assert.Equal(t, []string{payload, payload}, sent, "the payload really goes out again")
	got := outs.all()
	require.Len(t, got, 1)
	o := got[0]
	assert.Equal(t, id, o.ID)
	assert.Equal(t, messaging.ResultExhausted, o.Result)
	assert.Equal(t, kindFast, o.Kind)
	assert.Equal(t, 3, o.Attempts)
	assert.Equal(t, payload, o.Data)
	assert.ErrorIs(t, o.Err, messaging.ErrTimeout)
	assert.Equal(t, 3300*time.Millisecond, o.Latency)
	assert.Equal(t, 0, tr.Pending())
	assert.Equal(t, 0, clk.Timers(), "nothing left armed")

	s := tr.Summary()
	k, ok := s.Kind(kindFast)
	require.True(t, ok)
	assert.Equal(t, uint64(1), k.Counts.Sent)
	assert.Equal(t, uint64(2), k.Counts.Retried)
	assert.Equal(t, uint64(3), k.Counts.Timeouts)
	assert.Equal(t, uint64(1), k.Counts.Exhausted)
	assert.Equal(t, 1.0, k.Counts.FailureRate())
}

func TestTrackerEarlierDeadlineRearmsTheTimer(t *testing.T) {
	tr, clk, outs := newFakeTracker(t, messaging.WithShards(1))
	_, err := tr.Track(messaging.Message{Kind: kindSlow}) // 10 s
	require.NoError(t, err)
	_, err = tr.Track(messaging.Message{Kind: kindFast}) // 1 s
	require.NoError(t, err)
	next, _ := clk.NextDeadline()
	assert.Equal(t, time.Second, next.Sub(epoch))
	clk.Advance(time.Second)
	next, _ = clk.NextDeadline()
	assert.Equal(t, 1100*time.Millisecond, next.Sub(epoch), "then armed for the backoff")
	assert.Empty(t, outs.all())
}

func TestTrackerRetryingAckExtendsDeadline(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	resends := 0
	id, err := tr.Track(messaging.Message{Kind: kindFast, Resend: func(messaging.ID, int) error { resends++; return nil }})
	require.NoError(t, err)
	for i := 0; i < 5; i++ { // keep extending for 4.5 s, past every retry the policy has
		clk.Advance(900 * time.Millisecond)
		require.Equal(t, messaging.AckExtended, tr.Acknowledge(messaging.Retrying(id, "busy")))
	}
	require.Equal(t, messaging.AckMatched, tr.Acknowledge(messaging.Success(id)))
	assert.Equal(t, 0, resends)
	got := outs.all()
	require.Len(t, got, 1)
	assert.Equal(t, messaging.ResultSuccess, got[0].Result)
	assert.Equal(t, 1, got[0].Attempts)
	assert.NoError(t, got[0].Err)
	assert.Equal(t, 4500*time.Millisecond, got[0].Latency)
}

func TestTrackerAckJustBeforeTimeout(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	resent := false
	id, err := tr.Track(messaging.Message{Kind: kindMedium, Resend: func(messaging.ID, int) error { resent = true; return nil }})
	require.NoError(t, err)
	clk.Advance(5*time.Second - time.Nanosecond)
	assert.Equal(t, messaging.AckMatched, tr.Acknowledge(messaging.Success(id)))
	clk.Advance(time.Minute)
	assert.False(t, resent)
	require.Len(t, outs.all(), 1)
	assert.Equal(t, messaging.ResultSuccess, outs.all()[0].Result)
	assert.Equal(t, messaging.AckDuplicate, tr.Acknowledge(messaging.Success(id)))
	assert.Equal(t, messaging.AckUnknown, tr.Acknowledge(messaging.Success(messaging.NewID())))
	s := tr.Summary()
	assert.Equal(t, uint64(1), s.DuplicateAcks)
	assert.Equal(t, uint64(1), s.UnknownAcks)
}

func TestTrackerResendErrorIsReportedAsTheCause(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	_, err := tr.Track(messaging.Message{Kind: kindFast, Resend: func(messaging.ID, int) error {
		return errors.New("mailbox full")
	}})
	require.NoError(t, err)
	clk.Advance(10 * time.Second)
	got := outs.all()
	require.Len(t, got, 1)
	assert.Equal(t, messaging.ResultExhausted, got[0].Result)
	assert.ErrorIs(t, got[0].Err, messaging.ErrTimeout)
	assert.ErrorContains(t, got[0].Err, "mailbox full")
}

func TestTrackerCloseReportsEveryPendingMessage(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	ids := map[messaging.ID]bool{}
	for i := 0; i < 100; i++ {
		id, err := tr.Track(messaging.Message{Kind: kindSlow, Data: i})
		require.NoError(t, err)
		ids[id] = true
	}
	clk.Advance(time.Second)
	require.NoError(t, tr.Close())
	got := outs.all()
	require.Len(t, got, 100)
	for _, o := range got {
		assert.True(t, ids[o.ID])
		delete(ids, o.ID)
		assert.Equal(t, messaging.ResultAbandoned, o.Result)
		assert.ErrorIs(t, o.Err, messaging.ErrAbandoned)
		assert.Equal(t, kindSlow, o.Kind)
	}
	assert.Empty(t, ids, "each message reported exactly once")
	assert.Equal(t, 0, tr.Pending())
	_, err := tr.Track(messaging.Message{Kind: "x"})
	assert.ErrorIs(t, err, messaging.ErrClosed)
	assert.NoError(t, tr.Close(), "Close is idempotent")
	clk.Advance(time.Hour)
	assert.Len(t, outs.all(), 100, "nothing fires after Close")
}

func TestTrackerPendingCapIsBackpressure(t *testing.T) {
	tr, _, outs := newFakeTracker(t, messaging.WithMaxPending(10))
	var ids []messaging.ID
	for i := 0; i < 10; i++ {
		id, err := tr.Track(messaging.Message{Kind: "k"})
		require.NoError(t, err)
		ids = append(ids, id)
	}
	_, err := tr.Track(messaging.Message{Kind: "k"})
	require.ErrorIs(t, err, messaging.ErrTooManyPending)
	assert.ErrorContains(t, err, "cap of 10")
	tr.Acknowledge(messaging.Success(ids[0]))
	_, err = tr.Track(messaging.Message{Kind: "k"})
	require.NoError(t, err, "room again after an ack")
	assert.Equal(t, 10, tr.Pending())
	assert.Len(t, outs.all(), 1)
}

func TestTrackerNackAndFail(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	var attempts []int
	a, err := tr.Track(messaging.Message{Kind: kindMedium, Resend: func(_ messaging.ID, n int) error { attempts = append(attempts, n); return nil }})
	require.NoError(t, err)
	b, err := tr.Track(messaging.Message{Kind: kindMedium})
	require.NoError(t, err)
	require.True(t, tr.Nack(a, errors.New("dead letter")))
	clk.Advance(100 * time.Millisecond)
	assert.Equal(t, []int{2}, attempts, "re-sent after one backoff step, not after the 5 s timeout")
	require.True(t, tr.Fail(b, errors.New("target stopped")))
	assert.False(t, tr.Fail(b, errors.New("again")))
	assert.False(t, tr.Nack(messaging.NewID(), nil))
	got := outs.all()
	require.Len(t, got, 1)
	assert.Equal(t, messaging.ResultUndeliverable, got[0].Result)
	assert.EqualError(t, got[0].Err, "target stopped")
}

func TestTrackerDeterministicJitter(t *testing.T) {
	const retries = 6
	// gaps returns the backoff before each re-send: the time from the ack
	// deadline (1 s after the previous send) to the re-send.
	gaps := func(seed uint64, jitter bool) []time.Duration {
		p := messaging.Policy{Timeout: time.Second, MaxRetries: retries, Backoff: messaging.DefaultBackoff()}
		p.Backoff.Jitter = jitter
		tr, clk, _ := newFakeTracker(t, messaging.WithSeed(seed), messaging.WithShards(1), messaging.WithPolicy("j", p))
		var gaps []time.Duration
		prev := time.Duration(0)
		_, err := tr.Track(messaging.Message{Kind: "j", Resend: func(messaging.ID, int) error {
			at := clk.Now().Sub(epoch)
			gaps = append(gaps, at-prev-time.Second)
			prev = at
			return nil
		}})
		require.NoError(t, err)
		clk.Advance(time.Minute)
		require.Len(t, gaps, retries)
		return gaps
	}
	plain := gaps(42, false)
	for n, g := range plain {
		require.Equal(t, messaging.DefaultBackoff().Delay(n+1, nil), g, "without jitter, re-send %d", n+2)
	}
	a, b, c := gaps(42, true), gaps(42, true), gaps(43, true)
	assert.Equal(t, a, b, "the same seed gives the same schedule")
	assert.NotEqual(t, a, c, "another seed gives another schedule")
	for n := range a {
		assert.GreaterOrEqual(t, a[n], time.Duration(0))
		assert.LessOrEqual(t, a[n], plain[n], "full jitter stays within the plain delay")
		assert.NotEqual(t, plain[n], a[n], "re-send %d: jitter moves every gap", n+2)
	}
}

func TestTrackerConcurrentTrackAndAck(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	const workers, each = 8, 2000
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id, err := tr.Track(messaging.Message{Kind: messaging.Kind(fmt.Sprintf("k%d", i%3))})
				if err != nil {
					t.Error(err)
					return
				}
				if i%4 != 0 { // every fourth message is never acknowledged
					if r := tr.Acknowledge(messaging.Success(id)); r != messaging.AckMatched {
						t.Errorf("ack %v: %v", id, r)
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() { // time moves while the others work
		defer wg.Done()
		for i := 0; i < 50; i++ {
			clk.Advance(100 * time.Millisecond)
		}
	}()
	wg.Wait()
	clk.Advance(time.Hour) // the unacknowledged ones exhaust
	got := outs.all()
	require.Len(t, got, workers*each, "exactly one outcome per message")
	seen := map[messaging.ID]bool{}
	var delivered, exhausted int
	for _, o := range got {
		require.False(t, seen[o.ID])
		seen[o.ID] = true
		switch o.Result {
		case messaging.ResultSuccess:
			delivered++
		case messaging.ResultExhausted:
			exhausted++
		}
	}
	assert.Equal(t, workers*each*3/4, delivered)
	assert.Equal(t, workers*each/4, exhausted)
	s := tr.Summary()
	assert.Equal(t, uint64(workers*each), s.Totals.Sent)
	assert.Equal(t, uint64(delivered), s.Totals.Acked())
	assert.Equal(t, 0, s.Pending)
	assert.Len(t, s.Kinds, 3)
}

func TestTrackerRealClockFiresAndCloses(t *testing.T) {
	fired := make(chan int, 4)
	p := messaging.Policy{Timeout: 5 * time.Millisecond, MaxRetries: 1, Backoff: messaging.Backoff{Base: time.Millisecond, Multiplier: 2, Max: time.Second}}
	outs := make(chan messaging.Outcome, 1)
	tr, err := messaging.NewTracker(messaging.WithPolicy("fast", p), messaging.WithOutcome(func(o messaging.Outcome) { outs <- o }))
	require.NoError(t, err)
	_, err = tr.Track(messaging.Message{Kind: "fast", Resend: func(_ messaging.ID, n int) error { fired <- n; return nil }})
	require.NoError(t, err)
	select {
	case n := <-fired:
		assert.Equal(t, 2, n)
	case <-time.After(10 * time.Second):
		t.Fatal("no re-send on the real clock")
	}
	select {
	case o := <-outs:
		assert.Equal(t, messaging.ResultExhausted, o.Result)
	case <-time.After(10 * time.Second):
		t.Fatal("no outcome on the real clock")
	}
	require.NoError(t, tr.Close())
}

func TestTrackerExportsOpenTelemetry(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	tr, clk, _ := newFakeTracker(t, messaging.WithMeterProvider(mp))
	for i := 0; i < 3; i++ {
		id, err := tr.Track(messaging.Message{Kind: kindMedium})
		require.NoError(t, err)
		clk.Advance(time.Millisecond)
		tr.Acknowledge(messaging.Success(id))
	}
	_, err := tr.Track(messaging.Message{Kind: kindMedium})
	require.NoError(t, err)
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	got := map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					got[m.Name] += float64(p.Value)
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					got[m.Name] += float64(p.Value)
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					got[m.Name] = p.Value
				}
			}
		}
	}
	assert.Equal(t, 4.0, got["protoack.messages.sent"])
	assert.Equal(t, 3.0, got["protoack.messages.acked"])
	assert.Equal(t, 1.0, got["protoack.messages.pending"])
	assert.InDelta(t, 0.001, got["protoack.latency.p50"], 0.0001)
	assert.Equal(t, 5.0, got["protoack.ack.timeout"], "Medium's floor: 1 ms acks do not raise it")
}

func TestSummaryString(t *testing.T) {
	tr, clk, _ := newFakeTracker(t)
	for i := 0; i < 100; i++ {
		id, err := tr.Track(messaging.Message{Kind: kindMedium})
		require.NoError(t, err)
		clk.Advance(time.Duration(i+1) * time.Millisecond)
		tr.Acknowledge(messaging.Success(id))
	}
	id, err := tr.Track(messaging.Message{Kind: kindUpload})
	require.NoError(t, err)
	tr.Acknowledge(messaging.Failed(id, errors.New("bad constraint")))

	s := tr.Summary()
	k, ok := s.Kind(kindMedium)
	require.True(t, ok)
	assert.Equal(t, uint64(100), k.Latency.Count)
	assert.InEpsilon(t, 50.5*float64(time.Millisecond), float64(k.Latency.Avg), 0.01)
	assert.InEpsilon(t, float64(50*time.Millisecond), float64(k.Latency.P50), 1.0/16)
	assert.InEpsilon(t, float64(99*time.Millisecond), float64(k.Latency.P99), 1.0/16)
	assert.Equal(t, 100*time.Millisecond, k.Latency.Max)
	assert.Equal(t, 1.0, k.Counts.SuccessRate())
	u, _ := s.Kind(kindUpload)
	assert.Equal(t, 1.0, u.Counts.FailureRate())

	text := s.String()
	for _, want := range []string{"kind", "p50", "p99", "Medium", "Upload", "TOTAL", "100.0%", "duplicate acks 0"} {
		assert.Contains(t, text, want)
	}
	t.Log("\n" + text)
}

func TestTrackerSlowAcksRaiseTheTimeoutInSummary(t *testing.T) {
	tr, clk, outs := newFakeTracker(t, messaging.WithShards(1)) // one shard: one estimate
	resends := 0
	resend := func(messaging.ID, int) error { resends++; return nil }
	track := func() messaging.ID {
		id, err := tr.Track(messaging.Message{Kind: kindFast, Resend: resend})
		require.NoError(t, err)
		return id
	}
	k, _ := tr.Summary().Kind(kindFast)
	assert.Zero(t, k.Timeout, "no row before traffic")
	a := track()
	k, _ = tr.Summary().Kind(kindFast)
	assert.Equal(t, time.Second, k.Timeout, "the policy's timeout before any sample")
	clk.Advance(800 * time.Millisecond)
	tr.Acknowledge(messaging.Success(a))
	k, _ = tr.Summary().Kind(kindFast)
	assert.Greater(t, k.Timeout, 2*time.Second, "SRTT + 4*RTTVAR = 3 x 800 ms, rounded up")
	assert.Equal(t, 800*time.Millisecond, k.SRTT)
	assert.Equal(t, uint64(1), k.RTTSamples)
	assert.Contains(t, tr.Summary().String(), "2.416s")

	b := track()
	clk.Advance(1500 * time.Millisecond) // past the policy's 1 s and its 100 ms backoff
	assert.Equal(t, messaging.AckMatched, tr.Acknowledge(messaging.Success(b)))
	assert.Zero(t, resends, "a slow receiver draws no re-send")
	got := outs.all()
	require.Len(t, got, 2)
	assert.Equal(t, 1, got[1].Attempts)
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Split(strings.TrimSpace(w.b.String()), "\n")
}

func TestTrackerLogsEveryGiveUpThroughWithLogger(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "id" {
				return slog.Attr{}
			}
			return a
		}}))
	tr, clk, _ := newFakeTracker(t, messaging.WithLogger(log))
	track := func(k messaging.Kind, resend messaging.ResendFunc) messaging.ID {
		id, err := tr.Track(messaging.Message{Kind: k, Resend: resend})
		require.NoError(t, err)
		return id
	}
	ok := track(kindMedium, nil)
	tr.Acknowledge(messaging.Success(ok))
	failed := track(kindMedium, nil)
	tr.Acknowledge(messaging.Failed(failed, errors.New("no GPU")))
	track(kindFast, func(messaging.ID, int) error { return errors.New("mailbox full") }) // exhausts
	clk.Advance(10 * time.Second)
	track(kindSlow, nil) // abandoned
	require.NoError(t, tr.Close())

	want := []string{
		`level=WARN msg="message not delivered" kind=Medium result=Failed attempts=1 err="messaging: receiver reported Failed: no GPU"`,
		`level=DEBUG msg="re-send failed" kind=Fast attempt=2 err="mailbox full"`,
		`level=DEBUG msg="re-send failed" kind=Fast attempt=3 err="mailbox full"`,
		`level=WARN msg="message not delivered" kind=Fast result=Exhausted attempts=3 err="messaging: no ack for attempt 3 after 1s (earlier: re-send 3: mailbox full)"`,
		`level=WARN msg="message not delivered" kind=Slow result=Abandoned attempts=1 err="messaging: tracker closed with message pending"`,
	}
	assert.Equal(t, want, buf.lines(), "one warning per give-up, none for Success")
}

// resender is a Message.Data that re-sends itself.
type resender struct{ attempts []int }

func (r *resender) Resend(_ messaging.ID, attempt int) error {
	r.attempts = append(r.attempts, attempt)
	return nil
}

// TestTrackerResendsThroughDataResender: with no Resend function, a Data
// that is a Resender gets the re-sends, on the same schedule; an explicit
// Resend wins over it.
func TestTrackerResendsThroughDataResender(t *testing.T) {
	tr, clk, outs := newFakeTracker(t)
	viaData, other := &resender{}, &resender{}
	_, err := tr.Track(messaging.Message{Kind: kindFast, Data: viaData})
	require.NoError(t, err)
	var byFunc []int
	_, err = tr.Track(messaging.Message{Kind: kindFast, Data: other, Resend: func(_ messaging.ID, attempt int) error {
		byFunc = append(byFunc, attempt)
		return nil
	}})
	require.NoError(t, err)
	clk.Advance(10 * time.Second)
	assert.Equal(t, []int{2, 3}, viaData.attempts)
	assert.Equal(t, []int{2, 3}, byFunc)
	assert.Empty(t, other.attempts, "Resend wins over Data's Resender")
	require.Len(t, outs.all(), 2)
}

// TestTrackerSpreadsCounterIDs: IDs that differ only in their last bytes
// (a fixed prefix and a counter, as middleware makes them) keep apart in
// the recent set, so late acks for them count as duplicates.
func TestTrackerSpreadsCounterIDs(t *testing.T) {
	tr, _, _ := newFakeTracker(t, messaging.WithShards(8))
	const n = 4096
	ids := make([]messaging.ID, n)
	for i := range ids {
		ids[i][0], ids[i][6] = 0xab, 0x40
		ids[i][14], ids[i][15] = byte(i>>8), byte(i)
		_, err := tr.Track(messaging.Message{ID: ids[i], Kind: kindFast})
		require.NoError(t, err)
	}
	for _, id := range ids {
		require.Equal(t, messaging.AckMatched, tr.Acknowledge(messaging.Success(id)))
	}
	dup := 0
	for _, id := range ids[n-512:] {
		if tr.Acknowledge(messaging.Success(id)) == messaging.AckDuplicate {
			dup++
		}
	}
	assert.Greater(t, dup, 400, "late acks of counter IDs count as duplicates")
	s := tr.Summary()
	assert.Equal(t, uint64(n), s.Totals.Sent)
}
