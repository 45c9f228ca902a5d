package middleware

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// TestSendNamesTheMessage: Send returns the ID the outcome carries, and
// the outcome names the message, its kind and its target. Refusals by
// the tracker (the pending cap, Close) come back as errors and send
// nothing.
func TestSendNamesTheMessage(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(10)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithTrackerOptions(messaging.WithMaxPending(1)))
	c := newCounter()
	gate := make(chan struct{})
	pid := spawn(t, sys, worker(d, c, func(actor.Context, *testpb.Work) { <-gate }))
	sent := &testpb.Work{Seq: 17, Note: "o-17"}
	id, err := d.Send(d.RootContext(), pid, sent)
	if err != nil || id.IsZero() {
		t.Fatalf("Send: %v, %v", id, err)
	}
	if _, err := d.Send(sys.Root, pid, &testpb.Work{Seq: 18}); !errors.Is(err, messaging.ErrTooManyPending) {
		t.Errorf("Send at the pending cap: %v, want ErrTooManyPending", err)
	}
	close(gate)
	o := out.wait(t, 1)[0]
	if o.ID != id || o.Kind != kindWork || o.Message != sent || !o.Target.Equal(pid) || o.Result != messaging.ResultSuccess {
		t.Errorf("outcome %v %v %v %v %v; want %v %v %v %v Success", o.ID, o.Kind, o.Message, o.Target, o.Result, id, kindWork, sent, pid)
	}
	if id0, err := d.Send(d.RootContext(), pid, &testpb.Plain{}); err != nil || !id0.IsZero() {
		t.Errorf("untracked Send: %v, %v; want zero ID and no error", id0, err)
	}
	_ = d.Close()
	if _, err := d.Send(d.RootContext(), pid, &testpb.Work{Seq: 19}); !errors.Is(err, messaging.ErrClosed) {
		t.Errorf("Send after Close: %v, want ErrClosed", err)
	}
	if c.get(18) != 0 || c.get(19) != 0 {
		t.Error("a refused message was sent")
	}
}

// TestSendEnvelope: Send of an envelope tracks its message and returns
// the ID its outcome carries; the envelope's Sender is the handler's
// ctx.Sender().
func TestSendEnvelope(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(10)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	c := newCounter()
	senders := make(chan *actor.PID, 1)
	pid := spawn(t, sys, worker(d, c, func(ctx actor.Context, _ *testpb.Work) { senders <- ctx.Sender() }))
	replyTo := actor.NewPID(sys.Address(), "reply-here")
	sent := &testpb.Work{Seq: 3}
	id, err := d.Send(d.RootContext(), pid, &actor.MessageEnvelope{Message: sent, Sender: replyTo})
	if err != nil || id.IsZero() {
		t.Fatalf("Send of an envelope: %v, %v; want its message tracked", id, err)
	}
	o := out.wait(t, 1)[0]
	if o.ID != id || o.Message != sent || o.Result != messaging.ResultSuccess {
		t.Errorf("outcome %v %v %v; want %v %v Success", o.ID, o.Message, o.Result, id, sent)
	}
	if got := <-senders; !got.Equal(replyTo) {
		t.Errorf("handler's Sender %v, want %v", got, replyTo)
	}
}

// TestOutcomesToActor: the sending actor receives each of its messages'
// outcomes as a *Outcome naming the message.
func TestOutcomesToActor(t *testing.T) {
	const n = 5
	sys := newSystem(t)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcomesToActor())
	c := newCounter()
	pid := spawn(t, sys, worker(d, c, func(ctx actor.Context, w *testpb.Work) {
		if w.Seq == 3 {
			_ = d.Report(ctx, messaging.StatusFailed, "no stock")
		}
	}))
	got := make(chan *Outcome, n)
	ids := make(chan messaging.ID, n)
	sender := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case int64:
			id, err := d.Send(ctx, pid, &testpb.Work{Seq: m})
			if err != nil {
				t.Error(err)
			}
			ids <- id
		case *Outcome:
			got <- m
		}
	}, d.PropsOption()))
	for i := range int64(n) {
		sys.Root.Send(sender, i)
	}
	want := map[messaging.ID]bool{}
	for range n {
		want[<-ids] = true
	}
	for range n {
		select {
		case o := <-got:
			seq := o.Message.(*testpb.Work).Seq
			if !want[o.ID] || (seq == 3) != (o.Result == messaging.ResultFailed) {
				t.Errorf("outcome %v for message %d (known ID: %v)", o.Result, seq, want[o.ID])
			}
			delete(want, o.ID)
		case <-time.After(testDeadline):
			t.Fatal("outcomes did not reach the sending actor")
		}
	}
}

// TestSlowOutcomeCallback: while the outcome callback is blocked, the
// receiver goes on processing and acking; the outcomes arrive, in full,
// once it is released.
func TestSlowOutcomeCallback(t *testing.T) {
	const n = 200
	sys := newSystem(t)
	release := make(chan struct{})
	var mu sync.Mutex
	seen := 0
	all := make(chan struct{})
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(func(Outcome) {
		<-release
		mu.Lock()
		seen++
		if seen == n {
			close(all)
		}
		mu.Unlock()
	}))
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free) // before Close, even when the test fails
	c := newCounter()
	processed := make(chan struct{})
	pid := spawn(t, sys, worker(d, c, func(_ actor.Context, w *testpb.Work) {
		if w.Seq == n-1 {
			close(processed)
		}
	}))
	for i := range int64(n) {
		d.RootContext().Send(pid, &testpb.Work{Seq: i})
	}
	select {
	case <-processed: // every message handled and acked while the callback is stuck
	case <-time.After(testDeadline):
		t.Fatal("a blocked outcome callback stalled the receiver")
	}
	waitFor(t, "every ack", func() bool { return d.Tracker().Summary().Totals.Succeeded == n })
	free()
	<-all
	c.checkOnce(t, n)
}

// TestMisconfiguration: options that would silently do the wrong thing
// are errors naming the option.
func TestMisconfiguration(t *testing.T) {
	sys := newSystem(t)
	for _, c := range []struct {
		name string
		opts []Option
		want string
	}{
		{"policy for an untracked kind", []Option{Track[*testpb.Work](kindWork), WithPolicy("Wrok", fastPolicy(1))}, `WithPolicy("Wrok")`},
		{"invalid policy", []Option{Track[*testpb.Work](kindWork), WithPolicy(kindWork, messaging.Policy{})}, "Timeout"},
		{"outcome in tracker options", []Option{WithTrackerOptions(messaging.WithOutcome(func(messaging.Outcome) {}))}, "use middleware.WithOutcome"},
	} {
		if _, err := New(sys, c.opts...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %q", c.name, err, c.want)
		}
	}
}

// TestUntrackedArrivalWarnsOnce: a tracked type sent without the sender
// middleware (through system.Root) is processed, and the receiver warns
// once per kind, naming it.
func TestUntrackedArrivalWarnsOnce(t *testing.T) {
	sys := newSystem(t)
	var buf syncBuffer
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	c := newCounter()
	done := make(chan struct{})
	pid := spawn(t, sys, worker(d, c, func(_ actor.Context, w *testpb.Work) {
		if w.Seq == 2 {
			close(done)
		}
	}))
	for i := range int64(3) {
		sys.Root.Send(pid, &testpb.Work{Seq: i})
	}
	<-done
	c.checkOnce(t, 3)
	if got := strings.Count(buf.String(), "arrived untracked"); got != 1 || !strings.Contains(buf.String(), "kind=Work") {
		t.Errorf("%d warnings, want 1 naming the kind:\n%s", got, buf.String())
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
