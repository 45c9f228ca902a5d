package middleware

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// TestOverloadNoRetryStorm: 2000 messages in flight to one slow receiver
// (each takes about 100 µs, so the last is acked long after the 100 ms
// timeout) with 60% of acks lost. Timeouts that follow the measured ack
// latency keep re-sends to what the lost acks need: at most 3 deliveries
// per message on average, and Exhausted only for messages whose every ack
// the link's draws lose.
func TestOverloadNoRetryStorm(t *testing.T) {
	const n = 2000
	seed := uint64(7)
	acks := &lossy{seed: seed, ack: true, drop: 0.6, seqOf: &sync.Map{}}
	tap := &tapLink{next: passLink{}, seen: func(p packet) {
		if w, ok := p.Msg.(*testpb.Work); ok {
			acks.seqOf.Store(p.ID, uint64(w.Seq))
		}
	}}
	out := newOutcomes(n)
	pol := messaging.Policy{
		Timeout: 100 * time.Millisecond, MaxRetries: 8,
		Backoff: messaging.Backoff{Base: 10 * time.Millisecond, Multiplier: 2, Max: 200 * time.Millisecond},
	}
	sys := newSystem(t)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithPolicy(kindWork, pol),
		withLinks(tap, acks))
	var deliveries atomic.Int64
	count := func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			if _, ok := env.Message.(*testpb.Work); ok {
				deliveries.Add(1)
			}
			next(ctx, env)
		}
	}
	c := newCounter()
	pid := spawn(t, sys, worker(d, c, func(actor.Context, *testpb.Work) {
		for t0 := time.Now(); time.Since(t0) < 100*time.Microsecond; {
		}
	}, actor.WithReceiverMiddleware(count)))
	for i := range int64(n) {
		d.RootContext().Send(pid, &testpb.Work{Seq: i})
	}
	results := map[messaging.Result]int{}
	wrong := 0
	for _, o := range out.wait(t, n) {
		results[o.Result]++
		seq := o.Message.(*testpb.Work).Seq
		lose := true
		for a := 1; a <= pol.MaxRetries+1 && lose; a++ {
			lose = acks.drops(uint64(seq), a)
		}
		if o.Result == messaging.ResultExhausted && !lose {
			wrong++
		}
	}
	per := float64(deliveries.Load()) / n
	t.Logf("%d messages: %v; %.2f deliveries per message; summary:\n%v", n, results, per, d.Tracker().Summary())
	if per > 3 {
		t.Errorf("%.2f deliveries per message, want at most 3 (60%% ack loss alone needs 2.5)", per)
	}
	if wrong > 0 {
		t.Errorf("%d messages Exhausted that a patient sender would have got through", wrong)
	}
	for i := range int64(n) {
		if c.get(i) != 1 {
			t.Fatalf("message %d handled %d times", i, c.get(i))
		}
	}
}

// passLink carries every send at once.
type passLink struct{}

func (passLink) carry(_ packet, send func()) { send() }
