package middleware

import (
	"strings"
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/router"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// TestForwardAcksEndToEnd: a front actor forwards tracked messages to a
// worker. The sender gets one outcome per message, from the worker: its
// Reply's metadata on success, the panic's text when the worker crashes,
// and nothing from the front actor.
func TestForwardAcksEndToEnd(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(4)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	front, last := newCounter(), newCounter()
	final := spawn(t, sys, worker(d, last, func(ctx actor.Context, w *testpb.Work) {
		if w.Seq == 1 {
			panic("worker crashed")
		}
		if err := d.Reply(ctx, Reply{Metadata: map[string]string{"booked-by": "worker"}}); err != nil {
			t.Error(err)
		}
	}))
	desk := spawn(t, sys, worker(d, front, func(ctx actor.Context, _ *testpb.Work) {
		ctx.Forward(final)
		if err := d.Report(ctx, messaging.StatusFailed, "not mine to ack"); err == nil {
			t.Error("Report after Forward: no error")
		}
	}))
	d.RootContext().Send(desk, &testpb.Work{Seq: 0})
	d.RootContext().Send(desk, &testpb.Work{Seq: 1})
	byMsg := map[int64]Outcome{}
	for _, o := range out.wait(t, 2) {
		byMsg[o.Message.(*testpb.Work).Seq] = o
	}
	if o := byMsg[0]; o.Result != messaging.ResultSuccess || o.Ack.Metadata["booked-by"] != "worker" {
		t.Errorf("message 0: %v, metadata %v; want Success acked by the worker", o.Result, o.Ack.Metadata)
	}
	if o := byMsg[1]; o.Result != messaging.ResultFailed || !strings.Contains(o.Err.Error(), "worker crashed") {
		t.Errorf("message 1: %v (%v); want Failed with the worker's panic", o.Result, o.Err)
	}
	front.checkOnce(t, 2)
	last.checkOnce(t, 2)
	if s := d.Tracker().Summary(); s.Totals.Sent != 2 || out.dup != 0 {
		t.Errorf("%d tracked sends, %d outcomes twice; want 2 and 0", s.Totals.Sent, out.dup)
	}
}

// TestForwardResend: the worker's first ack is lost. The sender re-sends
// to the front actor, which passes the re-send on to the worker, which
// re-acks from its window: Success after 2 attempts, each actor handling
// the message once.
func TestForwardResend(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(1)
	acks := &dropFirst{dropped: map[messaging.ID]bool{}, match: func(p packet) bool { return p.Attempt == 1 }}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithPolicy(kindWork, fastPolicy(3)), withLinks(nil, acks))
	front, last := newCounter(), newCounter()
	final := spawn(t, sys, worker(d, last, nil))
	desk := spawn(t, sys, worker(d, front, func(ctx actor.Context, _ *testpb.Work) { ctx.Forward(final) }))
	d.RootContext().Send(desk, &testpb.Work{Seq: 0})
	if o := out.wait(t, 1)[0]; o.Result != messaging.ResultSuccess || o.Attempts != 2 {
		t.Errorf("outcome %v after %d attempts (%v), want Success after 2", o.Result, o.Attempts, o.Err)
	}
	front.checkOnce(t, 1)
	last.checkOnce(t, 1)
	if len(acks.dropped) != 1 {
		t.Errorf("%d acks dropped, want 1", len(acks.dropped))
	}
}

// TestBroadcastEachRoutee: a tracked message sent to a broadcast group is
// handled once by every routee. The sender sees one outcome, from the
// first routee to ack; the other routees' acks count as duplicates.
func TestBroadcastEachRoutee(t *testing.T) {
	const n, routees = 50, 3
	sys := newSystem(t)
	out := newOutcomes(n)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	var pids []*actor.PID
	var counts []*counter
	for range routees {
		c := newCounter()
		counts = append(counts, c)
		pids = append(pids, spawn(t, sys, worker(d, c, nil)))
	}
	group := spawn(t, sys, router.NewBroadcastGroup(pids...))
	for i := range int64(n) {
		d.RootContext().Send(group, &testpb.Work{Seq: i})
	}
	for _, o := range out.wait(t, n) {
		if o.Result != messaging.ResultSuccess {
			t.Errorf("outcome %v", o.Result)
		}
	}
	// Each routee acks after handling: once all acks are in, all handled.
	waitFor(t, "the other routees' acks", func() bool {
		return d.Tracker().Summary().DuplicateAcks == n*(routees-1)
	})
	for _, c := range counts {
		c.checkOnce(t, n)
	}
}

// TestDeferredAck: a handler hands the work and its ack to a goroutine.
// The outcome comes from that goroutine's Reply, after the handler
// returned; a re-send meanwhile is not handled again; a second Reply is
// refused.
func TestDeferredAck(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(1)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithPolicy(kindWork, fastPolicy(20)))
	c := newCounter()
	work := make(chan *Deferred, 1)
	pid := spawn(t, sys, worker(d, c, func(ctx actor.Context, _ *testpb.Work) {
		f, err := d.Defer(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		work <- f
	}))
	d.RootContext().Send(pid, &testpb.Work{Seq: 0})
	f := <-work
	// Hold the ack until the sender has re-sent at least once.
	waitFor(t, "a re-send answered Retrying", func() bool { return d.Tracker().Summary().Totals.Extended > 0 })
	if len(out.ch) != 0 {
		t.Fatal("an outcome before the deferred Reply")
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := f.Reply(Reply{Status: messaging.StatusPartialSuccess, Reason: "3 of 4"}); err != nil {
			t.Error(err)
		}
	}()
	wg.Wait()
	if err := f.Reply(Reply{}); err != ErrCompleted {
		t.Errorf("second Reply: %v, want ErrCompleted", err)
	}
	if o := out.wait(t, 1)[0]; o.Result != messaging.ResultPartialSuccess || o.Ack.Reason != "3 of 4" {
		t.Errorf("outcome %v %q, want PartialSuccess from the deferred Reply", o.Result, o.Ack.Reason)
	}
	c.checkOnce(t, 1)
}
