package middleware

import (
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/ackpb"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// capture is an actor.Process that hands over what it is sent.
type capture chan any

func (c capture) SendUserMessage(_ *actor.PID, m any) { c <- actor.UnwrapEnvelopeMessage(m) }
func (c capture) SendSystemMessage(*actor.PID, any)   {}
func (c capture) Stop(*actor.PID)                     {}
func (c capture) next(t *testing.T) any {
	t.Helper()
	select {
	case m := <-c:
		return m
	case <-time.After(testDeadline):
		t.Fatal("nothing sent")
		return nil
	}
}

// TestAckBatches: acks to a route of another process that come close
// together go in batches (compact Success acks, others in full), sent by
// count, by timer, or at Close; an ack that comes alone goes at once; and
// the sender's route turns a batch into the right outcomes. The batcher
// is driven with the acks' own times, so the test does not depend on
// timing.
func TestAckBatches(t *testing.T) {
	sys := newSystem(t)
	n := batchMax + 3
	out := newOutcomes(n + 1)
	sender := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	// Messages tracked by the sender, never delivered: their acks come
	// from the batches below.
	pid := actor.NewPID(sys.Address(), "nobody-home")
	ids := make([]messaging.ID, n+1)
	for i := range ids {
		p := &pending{d: sender, kind: kindWork, target: pid, msg: &testpb.Work{Seq: int64(i)}}
		p.seq, p.id, _ = sender.ids.take()
		sender.routes.add(p)
		if _, err := sender.tracker.Track(messaging.Message{ID: p.id, Kind: kindWork, Data: p}); err != nil {
			t.Fatal(err)
		}
		ids[i] = p.id
	}
	// The receiver's batcher sends to a capturing process (standing in
	// for a remote route), then the test hands what it got to the sender.
	recv := mustNew(t, sys)
	c := make(capture, 2*batchMax) // room for every ack sent alone
	if _, ok := sys.ProcessRegistry.Add(c, "capture"); !ok {
		t.Fatal("capture exists")
	}
	route := actor.NewPID(sys.Address(), "capture")
	// The acks' times lie in the past (an age is never negative), however
	// fast the test runs.
	t0 := time.Now().Add(-time.Second)
	ack := func(i int, at time.Duration) messaging.Ack {
		a := messaging.Ack{ID: ids[i], Status: messaging.StatusSuccess, Attempt: 1 + i%3, Time: t0.Add(at)}
		if i == 5 {
			a.Status, a.Reason, a.Metadata = messaging.StatusFailed, "no", map[string]string{"k": "v"}
		}
		return a
	}
	deliver := func(m any) int {
		switch m := m.(type) {
		case *ackpb.Ack:
			sender.onAck(nil, m)
			return 1
		case *ackpb.Acks:
			sender.onAcks(m)
			return len(m.Seqs) + len(m.Full)
		}
		t.Fatalf("sent %T", m)
		return 0
	}
	recv.batches.add(route, ack(0, 0)) // alone: at once
	if m, ok := c.next(t).(*ackpb.Ack); !ok || deliver(m) != 1 {
		t.Fatalf("the first ack went as %T, want a single ack", m)
	}
	setDelay := func(d time.Duration) { recv.batches.mu.Lock(); recv.batches.delay = d; recv.batches.mu.Unlock() }
	setDelay(time.Hour)              // however slow the loop below, the batch fills
	for i := 1; i <= batchMax; i++ { // close together: one full batch, sent by count
		recv.batches.add(route, ack(i, time.Duration(i)*time.Microsecond))
	}
	full, ok := c.next(t).(*ackpb.Acks)
	if !ok || len(full.Seqs)+len(full.Full) != batchMax || len(full.Full) != 1 || len(full.Prefix) != 12 {
		t.Fatalf("batch %v, want %d acks, one in full (the Failed one)", full, batchMax)
	}
	deliver(full)
	setDelay(time.Millisecond)
	recv.batches.add(route, ack(batchMax+1, time.Duration(batchMax+1)*time.Microsecond))
	if m := c.next(t); deliver(m) != 1 { // the timer sends the open batch
		t.Fatalf("timer sent %v, want a batch of 1", m)
	}
	setDelay(time.Hour)
	recv.batches.add(route, ack(batchMax+2, time.Duration(batchMax+2)*time.Microsecond))
	recv.batches.add(route, ack(batchMax+3, time.Duration(batchMax+3)*time.Microsecond))
	if err := recv.Close(); err != nil { // sends what is open; the timer had no time to fire
		t.Fatal(err)
	}
	for got := 0; got < 2; {
		got += deliver(c.next(t))
	}
	for _, o := range out.wait(t, n+1) {
		i := int(o.Message.(*testpb.Work).Seq)
		want := ack(i, 0)
		wantResult := messaging.ResultSuccess
		if i == 5 {
			wantResult = messaging.ResultFailed
		}
		if o.Result != wantResult || o.Ack.Attempt != want.Attempt || o.Ack.Reason != want.Reason || len(o.Ack.Metadata) != len(want.Metadata) {
			t.Errorf("message %d: %v, ack %+v; want %v, attempt %d", i, o.Result, o.Ack, wantResult, want.Attempt)
		}
		if d := o.Ack.Time.Sub(t0.Add(time.Duration(i) * time.Microsecond)); i != 0 && i != 5 && (d < -time.Microsecond || d > time.Microsecond) {
			t.Errorf("message %d: ack time off by %v", i, d)
		}
	}
	sys.ProcessRegistry.Remove(route)
}
