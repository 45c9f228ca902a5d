package middleware

import (
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// TestUntrackedNoAlloc: the middleware adds no allocation to untracked
// messages, with or without other headers.
func TestUntrackedNoAlloc(t *testing.T) {
	sys := newSystem(t)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork))
	send := d.SenderMiddleware()(func(actor.SenderContext, *actor.PID, *actor.MessageEnvelope) {})
	recv := d.ReceiverMiddleware()(func(actor.ReceiverContext, *actor.MessageEnvelope) {})
	pid := actor.NewPID(sys.Address(), "anyone")
	root := d.RootContext()
	for _, env := range []*actor.MessageEnvelope{
		{Message: &testpb.Plain{Seq: 1}},
		{Message: "text"},
		{Message: selfKinded(""), Header: map[string]string{"trace": "x"}},
	} {
		if n := testing.AllocsPerRun(1000, func() { send(root, pid, env) }); n != 0 {
			t.Errorf("sender: %v allocations per untracked %T", n, env.Message)
		}
		if n := testing.AllocsPerRun(1000, func() { recv(nil, env) }); n != 0 {
			t.Errorf("receiver: %v allocations per untracked %T", n, env.Message)
		}
	}
}

// selfKinded names its own kind (none when empty).
type selfKinded string

func (k selfKinded) TrackingKind() messaging.Kind { return messaging.Kind(k) }

// TestKinds: registration by Go type wins over Kinded; Kinded alone is
// enough; others are untracked.
func TestKinds(t *testing.T) {
	var k kinds
	k.add(typeOf[*testpb.Work](), "Registered")
	for _, c := range []struct {
		msg  any
		kind messaging.Kind
		ok   bool
	}{
		{&testpb.Work{}, "Registered", true},
		{selfKinded("Own"), "Own", true},
		{selfKinded(""), "", false},
		{&testpb.Plain{}, "", false},
		{"not a Work", "", false},
	} {
		kind, ok := k.of(c.msg)
		if kind != c.kind || ok != c.ok {
			t.Errorf("%T: kind %q, %v; want %q, %v", c.msg, kind, ok, c.kind, c.ok)
		}
	}
	if _, err := New(newSystem(t), Track[*testpb.Work]("")); err == nil {
		t.Error("empty kind accepted")
	}
}

// TestChainOrder pins where PropsOption puts the middleware: after those
// already on the Props (protoactor: first is outermost). The application's
// sender middleware runs first and sees no protoack headers; its receiver
// middleware runs before protoack's, which wraps the handler. Children
// spawned by the actor get the middleware once, however many are spawned
// from one Props.
func TestChainOrder(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(10)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	var mu sync.Mutex
	var trace []string
	note := func(s string) {
		mu.Lock()
		trace = append(trace, s)
		mu.Unlock()
	}
	userSender := func(next actor.SenderFunc) actor.SenderFunc {
		return func(ctx actor.SenderContext, target *actor.PID, env *actor.MessageEnvelope) {
			if env.GetHeader(HeaderID) == "" {
				note("user sender: no protoack header")
			}
			next(ctx, target, env)
		}
	}
	userReceiver := func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			if _, ok := env.Message.(*testpb.Work); ok && env.GetHeader(HeaderID) != "" {
				note("user receiver: protoack header")
			}
			next(ctx, env)
		}
	}
	c := newCounter()
	childProps := worker(d, c, func(actor.Context, *testpb.Work) { note("child handler") }, actor.WithReceiverMiddleware(userReceiver))
	started := make(chan *actor.PID, 2)
	parent := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *actor.Started:
			// Two children from one Props: the spawn middleware must not
			// install the middleware twice.
			started <- ctx.Spawn(childProps)
			started <- ctx.Spawn(childProps)
		case *testpb.Plain:
			ctx.Send(<-started, &testpb.Work{Seq: m.Seq})
		}
	}, actor.WithSenderMiddleware(userSender), d.PropsOption()))
	d.RootContext().Send(parent, &testpb.Plain{Seq: 0})
	o := out.wait(t, 1)[0]
	if o.Result != messaging.ResultSuccess {
		t.Fatalf("outcome %v: %v", o.Result, o.Err)
	}
	c.checkOnce(t, 1)
	mu.Lock()
	got := append([]string(nil), trace...)
	mu.Unlock()
	want := []string{"user sender: no protoack header", "user receiver: protoack header", "child handler"}
	if len(got) != len(want) {
		t.Fatalf("trace %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("trace %q, want %q", got, want)
		}
	}
	if n := d.props.size(); n != 2 {
		t.Errorf("%d Props configured, want 2 (parent, child)", n)
	}
	stop(t, sys, <-started)
}

// TestForwardAndRequest: a tracked message forwarded by a handler is
// processed by the next actor, whose ack is the message's one outcome; a
// tracked Request keeps its requester as the handler's Sender, so Respond
// reaches the requester.
func TestForwardAndRequest(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(2)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	last := newCounter()
	got := make(chan struct{})
	final := spawn(t, sys, worker(d, last, func(actor.Context, *testpb.Work) { close(got) }))
	first := newCounter()
	front := spawn(t, sys, worker(d, first, func(ctx actor.Context, w *testpb.Work) {
		if w.Seq == 0 {
			ctx.Forward(final) // the final actor acks the original sender
			return
		}
		ctx.Respond(&testpb.Plain{Seq: w.Seq})
	}))
	d.RootContext().Send(front, &testpb.Work{Seq: 0})
	res, err := d.RootContext().RequestFuture(front, &testpb.Work{Seq: 1}, testDeadline).Result()
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := res.(*testpb.Plain); !ok || p.Seq != 1 {
		t.Errorf("response %v, want Plain 1", res)
	}
	for _, o := range out.wait(t, 2) {
		if o.Result != messaging.ResultSuccess || o.Attempts != 1 {
			t.Errorf("outcome %v after %d attempts", o.Result, o.Attempts)
		}
	}
	first.checkOnce(t, 2)
	// Message 0's outcome came from the final actor, after it processed it.
	select {
	case <-got:
	default:
		t.Fatal("an outcome for the forwarded message before the final actor processed it")
	}
	if n := last.get(0); n != 1 {
		t.Errorf("forwarded message processed %d times", n)
	}
}
