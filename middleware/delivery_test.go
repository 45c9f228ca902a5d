package middleware

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

const kindWork messaging.Kind = "Work"

// worker returns Props for an actor that counts each *testpb.Work by Seq,
// then calls handle (if not nil) from the handler.
func worker(d *Delivery, c *counter, handle func(ctx actor.Context, w *testpb.Work), opts ...actor.PropsOption) *actor.Props {
	opts = append(opts, d.PropsOption())
	return actor.PropsFromFunc(func(ctx actor.Context) {
		if w, ok := ctx.Message().(*testpb.Work); ok {
			c.inc(w.Seq)
			if handle != nil {
				handle(ctx, w)
			}
		}
	}, opts...)
}

// TestTrackedDelivery: tracked messages are acked Success, processed once,
// and untracked ones pass through.
func TestTrackedDelivery(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(100)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	c := newCounter()
	plain := make(chan int64, 10)
	pid := spawn(t, sys, worker(d, c, nil))
	pid2 := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if p, ok := ctx.Message().(*testpb.Plain); ok {
			if ctx.MessageHeader() != nil && ctx.MessageHeader().Get(HeaderID) != "" {
				t.Error("untracked message got a protoack header")
			}
			plain <- p.Seq
		}
	}, d.PropsOption()))
	root := d.RootContext()
	for i := range int64(100) {
		root.Send(pid, &testpb.Work{Seq: i})
	}
	root.Send(pid2, &testpb.Plain{Seq: 7})
	for _, o := range out.wait(t, 100) {
		if o.Result != messaging.ResultSuccess || o.Attempts != 1 || o.Kind != kindWork {
			t.Errorf("outcome %+v, want Success in 1 attempt", o)
		}
	}
	c.checkOnce(t, 100)
	if got := <-plain; got != 7 {
		t.Errorf("plain message %d, want 7", got)
	}
	if n := d.Tracker().Pending(); n != 0 {
		t.Errorf("%d pending", n)
	}
}

// TestFullMailbox: a receiver with a small BoundedDropping mailbox is
// flooded while its handler is held; the dropped messages are re-sent and
// every message is processed exactly once.
//
// Each round of re-sends leaves at least the mailbox's 16 newest messages
// to be processed, so 200 messages need at most 13 rounds; the timeout
// spaces the rounds far beyond what 16 messages take, even on a loaded
// machine, and the retries leave a wide margin over 13.
func TestFullMailbox(t *testing.T) {
	const n = 200
	sys := newSystem(t)
	out := newOutcomes(n)
	pol := jittered(fastPolicy(60))
	pol.Timeout = 300 * time.Millisecond
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithPolicy(kindWork, pol))
	c := newCounter()
	gate := make(chan struct{})
	pid, halt := spawnDropping(t, sys, worker(d, c, func(actor.Context, *testpb.Work) { <-gate },
		actor.WithMailbox(actor.BoundedDropping(16))))
	defer halt()
	root := d.RootContext()
	for i := range int64(n) {
		root.Send(pid, &testpb.Work{Seq: i})
	}
	close(gate)
	resent := 0
	for _, o := range out.wait(t, n) {
		if o.Result != messaging.ResultSuccess {
			t.Errorf("outcome %v: %v", o.Result, o.Err)
		}
		if o.Attempts > 1 {
			resent++
		}
	}
	c.checkOnce(t, n)
	if resent == 0 {
		t.Error("no message was re-sent: the mailbox never dropped")
	}
	t.Logf("%d of %d messages needed a re-send", resent, n)
}

// jittered is p with backoff jitter. Re-sends into a dropping mailbox
// need it: without it every round re-sends the same burst in the same
// order, and the mailbox drops the same messages every time.
func jittered(p messaging.Policy) messaging.Policy {
	p.Backoff.Jitter = true
	return p
}

// TestCrashRestart: the handler panics on the first delivery of every
// third message. Failed acks carry the panic text, the actor restarts
// under the default supervisor, and the policy's retry succeeds.
func TestCrashRestart(t *testing.T) {
	const n = 27 // 9 crashes: the default supervisor allows 10 restarts
	sys := newSystem(t)
	out := newOutcomes(n)
	pol := fastPolicy(3)
	pol.RetryOnFailure = true
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithPolicy(kindWork, pol), WithAcksToActor())
	c := newCounter()
	starts := make(chan struct{}, 2*n)
	pid := spawn(t, sys, worker(d, c, func(ctx actor.Context, w *testpb.Work) {
		if w.Seq%3 == 0 && c.get(w.Seq) == 1 {
			panic("boom " + w.Note)
		}
	}))
	// The sender is an actor, so that WithAcksToActor hands it the acks.
	failed := make(chan messaging.Ack, n)
	sender := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *actor.Started:
			starts <- struct{}{}
		case int64:
			ctx.Send(pid, &testpb.Work{Seq: m, Note: "x"})
		case messaging.Ack:
			if m.Status == messaging.StatusFailed {
				failed <- m
			}
		}
	}, d.PropsOption()))
	<-starts
	for i := range int64(n) {
		sys.Root.Send(sender, i)
	}
	for _, o := range out.wait(t, n) {
		if o.Result != messaging.ResultSuccess {
			t.Errorf("outcome %v: %v", o.Result, o.Err)
		}
	}
	if len(failed) != n/3 {
		t.Errorf("%d Failed acks, want %d", len(failed), n/3)
	}
	for range len(failed) {
		if a := <-failed; !strings.Contains(a.Reason, "panic: boom x") {
			t.Errorf("Failed ack reason %q, want the panic text", a.Reason)
		}
	}
	for i := range int64(n) {
		want := 1
		if i%3 == 0 {
			want = 2 // the crashed delivery, then the retry
		}
		if got := c.get(i); got != want {
			t.Errorf("message %d handled %d times, want %d", i, got, want)
		}
	}
}

// TestProcessingFailure: a Failed report reaches the sender's outcome with
// its reason and is not retried (the policy does not say so); a
// PartialSuccess report after a Retrying one ends as PartialSuccess.
func TestProcessingFailure(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(2)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithPolicy(kindWork, fastPolicy(3)))
	c := newCounter()
	pid := spawn(t, sys, worker(d, c, func(ctx actor.Context, w *testpb.Work) {
		var err error
		switch w.Seq {
		case 0:
			err = d.Report(ctx, messaging.StatusFailed, "disk full")
		case 1:
			if err = d.Report(ctx, messaging.StatusRetrying, "working"); err == nil {
				err = d.Report(ctx, messaging.StatusPartialSuccess, "3 of 4 rows")
			}
		}
		if err != nil {
			t.Error(err)
		}
	}))
	d.RootContext().Send(pid, &testpb.Work{Seq: 0})
	d.RootContext().Send(pid, &testpb.Work{Seq: 1})
	for _, o := range out.wait(t, 2) {
		var ae *messaging.AckError
		switch {
		case !errors.As(o.Err, &ae):
			t.Errorf("outcome %v: err %v is not an AckError", o.Result, o.Err)
		case o.Result == messaging.ResultFailed:
			if ae.Reason != "disk full" || o.Attempts != 1 {
				t.Errorf("Failed outcome: reason %q after %d attempts", ae.Reason, o.Attempts)
			}
		case o.Result == messaging.ResultPartialSuccess:
			if ae.Reason != "3 of 4 rows" {
				t.Errorf("PartialSuccess reason %q", ae.Reason)
			}
		default:
			t.Errorf("unexpected outcome %v", o.Result)
		}
	}
	c.checkOnce(t, 2)
	if err := d.Report(sys.Root, messaging.StatusFailed, "x"); err == nil {
		t.Error("Report outside a tracked handler: no error")
	}
}

// spawnDropping spawns props (with a BoundedDropping mailbox) as the child
// of a parent that stops it on any failure, and returns halt, which stops
// it by a panic. protoactor (3c0e61ca19c9) does not decrement a dropping
// mailbox's message count for dropped messages, so once it has dropped,
// its goroutine spins on an empty queue for ever, even after Stop; only a
// suspended mailbox (a failure the supervisor answers with Stop) ends it.
func spawnDropping(t *testing.T, sys *actor.ActorSystem, props *actor.Props) (*actor.PID, func()) {
	t.Helper()
	props.Configure(actor.WithReceiverMiddleware(func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			if _, ok := env.Message.(haltMsg); ok {
				panic("halt")
			}
			next(ctx, env)
		}
	}))
	child := make(chan *actor.PID, 1)
	done := make(chan struct{})
	stopAll := actor.NewOneForOneStrategy(0, time.Second, func(any) actor.Directive { return actor.StopDirective })
	parent := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *actor.Started:
			child <- ctx.Spawn(props)
		case *actor.Terminated:
			if m.Who.Id != ctx.Self().Id {
				close(done)
			}
		}
	}, actor.WithSupervisor(stopAll)))
	_ = parent
	pid := <-child
	return pid, func() {
		sys.Root.Send(pid, haltMsg{})
		select {
		case <-done:
		case <-time.After(testDeadline):
			t.Error("dropping-mailbox actor did not stop")
		}
	}
}

type haltMsg struct{}

// TestDedupOfAcrossRestart: a worker processes a message but its ack is
// lost; the worker is stopped and started again under a new Delivery that
// shares the old one's window (WithDedupOf). The sender's re-send reaches
// the new worker, which re-acks it without processing it again.
func TestDedupOfAcrossRestart(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(1)
	acks := &dropFirst{dropped: map[messaging.ID]bool{}, match: func(p packet) bool { return p.Attempt == 1 }}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithDeadLetter(DeadLetterRetry),
		WithPolicy(kindWork, fastPolicy(10)), withLinks(nil, acks))
	before, after := newCounter(), newCounter()
	handled := make(chan struct{})
	pid, err := sys.Root.SpawnNamed(worker(d, before, func(actor.Context, *testpb.Work) { close(handled) }), "desk")
	if err != nil {
		t.Fatal(err)
	}
	d.RootContext().Send(pid, &testpb.Work{Seq: 0})
	<-handled
	stop(t, sys, pid)
	d2 := mustNew(t, sys, Track[*testpb.Work](kindWork), WithDedupOf(d))
	pid2, err := sys.Root.SpawnNamed(worker(d2, after, nil), "desk")
	if err != nil {
		t.Fatal(err)
	}
	defer stop(t, sys, pid2)
	if o := out.wait(t, 1)[0]; o.Result != messaging.ResultSuccess || o.Attempts < 2 {
		t.Errorf("outcome %v after %d attempts, want Success after a re-send", o.Result, o.Attempts)
	}
	before.checkOnce(t, 1)
	if n := after.get(0); n != 0 {
		t.Errorf("the restarted worker processed the message %d times, want 0 (re-acked from the shared window)", n)
	}
}
