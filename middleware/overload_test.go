package middleware

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/messaging/clocktest"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// TestOverloadNoRetryStorm: 2000 messages in flight to one slow receiver
// with 60% of acks lost. Time is virtual, so the verdict does not depend
// on the machine: the tracker runs on a manual clock that the receiver
// advances by 500 µs per message it handles, and that the test moves to
// the next deadline whenever everything sent has been handled. So the
// last of the first burst is acked 1 s after it was sent, ten times the
// 100 ms policy timeout. Timeouts that follow the measured ack latency
// keep re-sends to what the lost acks need (2.5 deliveries per message on
// average); fixed ones storm. Exhausted are exactly the messages whose
// every ack the link's draws lose.
func TestOverloadNoRetryStorm(t *testing.T) {
	for _, c := range []struct {
		name  string
		fixed bool
		max   float64 // deliveries per message
	}{
		{"adaptive", false, 3},
		{"fixed", true, 1e9}, // the storm, for the record
	} {
		t.Run(c.name, func(t *testing.T) {
			per, exhausted, wrong := overload(t, c.fixed)
			t.Logf("%.2f deliveries per message, %d Exhausted", per, exhausted)
			if per > c.max {
				t.Errorf("%.2f deliveries per message, want at most %.2f (60%% ack loss alone needs 2.5)", per, c.max)
			}
			if wrong > 0 {
				t.Errorf("%d messages ended otherwise than the link's draws say", wrong)
			}
			if c.fixed && per < 3 {
				t.Errorf("fixed timeouts: %.2f deliveries per message; the scenario no longer overloads", per)
			}
		})
	}
}

// overload runs the scenario and returns deliveries per message, the
// Exhausted count, and how many outcomes disagree with the link's draws.
func overload(t *testing.T, fixed bool) (float64, int, int) {
	const n = 2000
	clk := clocktest.New(time.Unix(1000, 0))
	acks := &lossy{seed: 7, ack: true, drop: 0.6, seqOf: &sync.Map{}}
	tap := &tapLink{next: passLink{}, seen: func(p packet) {
		if w, ok := p.Msg.(*testpb.Work); ok {
			acks.seqOf.Store(p.ID, uint64(w.Seq))
		}
	}}
	out := newOutcomes(n)
	pol := messaging.Policy{
		Timeout: 100 * time.Millisecond, MaxRetries: 8, FixedTimeout: fixed,
		Backoff: messaging.Backoff{Base: 10 * time.Millisecond, Multiplier: 2, Max: 200 * time.Millisecond},
	}
	sys := newSystem(t)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithPolicy(kindWork, pol),
		WithTrackerOptions(messaging.WithClock(clk), messaging.WithShards(1)), withLinks(tap, acks))
	var handled atomic.Int64
	count := func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			next(ctx, env)
			if _, ok := env.Message.(*testpb.Work); ok {
				handled.Add(1) // after the ack: counted means done
			}
		}
	}
	c := newCounter()
	sent := make(chan struct{}) // the burst is queued before any is handled
	pid := spawn(t, sys, worker(d, c, func(actor.Context, *testpb.Work) {
		<-sent
		clk.Advance(500 * time.Microsecond)
	}, actor.WithReceiverMiddleware(count)))
	for i := range int64(n) {
		d.RootContext().Send(pid, &testpb.Work{Seq: i})
	}
	close(sent)
	// When every delivery sent (first sends and re-sends) is handled and
	// outcomes are still due, nothing moves time but the test.
	deadline := time.After(testDeadline)
	for len(out.ch) < n || d.Tracker().Pending() > 0 {
		s := d.Tracker().Summary()
		if handled.Load() == int64(s.Totals.Sent+s.Totals.Retried) && d.lanes.idle() {
			if next, ok := clk.NextDeadline(); ok {
				clk.Set(next)
				continue
			}
		}
		select {
		case <-deadline:
			t.Fatalf("stuck: %d handled, %d outcomes", handled.Load(), len(out.ch))
		case <-time.After(time.Millisecond):
		}
	}
	exhausted, wrong := 0, 0
	for _, o := range out.wait(t, n) {
		seq := o.Message.(*testpb.Work).Seq
		lose := true
		for a := 1; a <= pol.MaxRetries+1 && lose; a++ {
			lose = acks.drops(uint64(seq), a)
		}
		if o.Result == messaging.ResultExhausted {
			exhausted++
		}
		if lose != (o.Result == messaging.ResultExhausted) {
			wrong++
		}
	}
	for i := range int64(n) {
		if c.get(i) != 1 {
			t.Fatalf("message %d handled %d times", i, c.get(i))
		}
	}
	return float64(handled.Load()) / n, exhausted, wrong
}

// passLink carries every send at once.
type passLink struct{}

func (passLink) carry(_ packet, send func()) { send() }
