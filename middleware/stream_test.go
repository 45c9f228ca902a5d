package middleware

import (
	"errors"
	"maps"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/messaging/clocktest"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// streams returns how many streams d holds.
func streams(d *Delivery) int {
	d.streams.mu.Lock()
	defer d.streams.mu.Unlock()
	return len(d.streams.byID)
}

// endState is what a test compares of an outcome: everything but times.
type endState struct {
	result   messaging.Result
	attempts int
	status   messaging.Status
	reason   string
	meta     map[string]string
}

func endOf(o Outcome) endState {
	return endState{o.Result, o.Attempts, o.Ack.Status, o.Ack.Reason, o.Ack.Metadata}
}

// fixedPolicy times out after timeout, never adapted, and re-sends after
// a fixed 100 ms.
func fixedPolicy(timeout time.Duration, retries int) messaging.Policy {
	return messaging.Policy{Timeout: timeout, MaxRetries: retries, FixedTimeout: true,
		Backoff: messaging.Backoff{Base: 100 * time.Millisecond, Multiplier: 1, Max: 100 * time.Millisecond}}
}

// manualDelivery returns a Delivery tracking Work, with opts, whose
// tracker runs on a manual clock, and its outcomes (room for n).
func manualDelivery(t *testing.T, n int, opts ...Option) (*clocktest.Clock, *actor.ActorSystem, *outcomes, *Delivery) {
	clk := clocktest.New(time.Unix(1000, 0))
	sys := newSystem(t)
	out := newOutcomes(n)
	d := mustNew(t, sys, append(opts, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithTrackerOptions(messaging.WithClock(clk)))...)
	return clk, sys, out, d
}

// TestStreamEndsAsTrackedPath: every way a handler can end a message
// (plain Success, Failed, PartialSuccess with metadata, Defer, Forward,
// panic) gives the same outcome, processing count and Summary with
// in-process streams as on the tracked path, which is the reference.
func TestStreamEndsAsTrackedPath(t *testing.T) {
	const n = 60 // 10 of each way
	run := func(t *testing.T, opts ...Option) (map[int64]endState, *counter, messaging.Summary, int) {
		sys := newSystem(t)
		out := newOutcomes(n)
		d := mustNew(t, sys, append(opts, Track[*testpb.Work](kindWork), WithOutcome(out.add))...)
		c2 := newCounter()
		hop := spawn(t, sys, worker(d, c2, nil))
		c := newCounter()
		var deferred sync.WaitGroup
		pid := spawn(t, sys, worker(d, c, func(ctx actor.Context, w *testpb.Work) {
			var err error
			switch w.Seq % 6 {
			case 1:
				err = d.Report(ctx, messaging.StatusFailed, "disk full")
			case 2:
				err = d.Reply(ctx, Reply{Status: messaging.StatusPartialSuccess, Reason: "3 of 4", Metadata: map[string]string{"rows": "3"}})
			case 3:
				var f *Deferred
				if f, err = d.Defer(ctx); err == nil {
					deferred.Add(1)
					go func() {
						defer deferred.Done()
						if err := f.Reply(Reply{Metadata: map[string]string{"later": "yes"}}); err != nil {
							t.Error(err)
						}
					}()
				}
			case 4:
				ctx.Forward(hop)
			case 5:
				panic("boom")
			}
			if err != nil {
				t.Error(err)
			}
		}))
		for i := range int64(n) {
			d.RootContext().Send(pid, &testpb.Work{Seq: i})
		}
		got := map[int64]endState{}
		for _, o := range out.wait(t, n) {
			got[o.Message.(*testpb.Work).Seq] = endOf(o)
		}
		deferred.Wait()
		return got, c, d.Tracker().Summary(), streams(d)
	}
	want, wantC, wantSum, none := run(t, WithInProcessStreams(false))
	got, gotC, gotSum, used := run(t)
	if none != 0 || used != 1 {
		t.Fatalf("%d streams without them, %d with them; want 0 and 1", none, used)
	}
	for i := range int64(n) {
		if w, g := want[i], got[i]; w.result != g.result || w.attempts != g.attempts || w.status != g.status ||
			w.reason != g.reason || !maps.Equal(w.meta, g.meta) {
			t.Errorf("message %d (way %d): %+v on a stream, want %+v", i, i%6, g, w)
		}
		if w, g := wantC.get(i), gotC.get(i); w != g || g != 1 {
			t.Errorf("message %d processed %d times on a stream, %d on the tracked path; want 1", i, g, w)
		}
	}
	if wantSum.Totals != gotSum.Totals || wantSum.Pending != gotSum.Pending {
		t.Errorf("Summary on streams: %+v, pending %d; tracked path: %+v, pending %d",
			gotSum.Totals, gotSum.Pending, wantSum.Totals, wantSum.Pending)
	}
}

// TestStreamTimeout: with the tracker on a manual clock, a message whose
// handler is still running at its ack timeout is re-sent exactly at the
// timeout plus one backoff step, as on the tracked path; it is processed
// once, and ends in one Success after 2 attempts. A message whose handler
// runs past every retry is given up (Exhausted) and still processed once.
func TestStreamTimeout(t *testing.T) {
	pol := fixedPolicy(time.Second, 2)
	for _, c := range []struct {
		name    string
		advance []time.Duration // clock steps while the handler is held
		retried uint64
		result  messaging.Result
	}{
		// The timer fires at 1 s (promotion: deadline passed, backoff to
		// 1.1 s), the re-send goes at 1.1 s.
		{"resent", []time.Duration{time.Second - 1, 1, 100 * time.Millisecond}, 1, messaging.ResultSuccess},
		// Re-sends at 1.1 s and 2.2 s, given up at 3.2 s.
		{"exhausted", []time.Duration{time.Second, 100 * time.Millisecond, time.Second, 100 * time.Millisecond, time.Second},
			2, messaging.ResultExhausted},
	} {
		t.Run(c.name, func(t *testing.T) {
			clk, sys, out, d := manualDelivery(t, 1, WithPolicy(kindWork, pol))
			cnt := newCounter()
			entered, release := make(chan struct{}), make(chan struct{})
			pid := spawn(t, sys, worker(d, cnt, func(actor.Context, *testpb.Work) {
				entered <- struct{}{}
				<-release
			}))
			d.RootContext().Send(pid, &testpb.Work{Seq: 0})
			<-entered
			if streams(d) != 1 {
				t.Fatal("the message took no stream")
			}
			for i, step := range c.advance {
				clk.Advance(step)
				if i == 0 && c.name == "resent" && d.Tracker().Summary().Totals.Retried != 0 {
					t.Fatal("re-sent before the timeout")
				}
			}
			waitFor(t, "the re-sends", func() bool { return d.Tracker().Summary().Totals.Retried == c.retried })
			close(release)
			o := out.wait(t, 1)[0]
			if o.Result != c.result || o.Attempts != int(c.retried)+1 {
				t.Errorf("outcome %v after %d attempts, want %v after %d", o.Result, o.Attempts, c.result, c.retried+1)
			}
			// The re-sends reach the actor after the first attempt: re-acked
			// (resent) or dropped acks (exhausted), never processed again.
			acks := c.retried // re-acks of the re-sends, and the first ack unless it came too late
			if c.result != messaging.ResultSuccess {
				acks++
			}
			waitFor(t, "the re-sends handled", func() bool {
				s := d.Tracker().Summary()
				return s.DuplicateAcks+s.UnknownAcks >= acks
			})
			cnt.checkOnce(t, 1)
			if p := d.Tracker().Pending(); p != 0 {
				t.Errorf("%d pending", p)
			}
		})
	}
}

// TestStreamClose: Close with stream messages in every state. Processed
// ones whose outcome the sweep has not delivered yet end Success; the one
// being processed and those still in the mailbox end Abandoned; each
// exactly once, and nothing stays pending.
func TestStreamClose(t *testing.T) {
	const n = 10
	sys := newSystem(t)
	out := newOutcomes(n)
	gate := make(chan struct{})
	var held atomic.Bool
	d, err := New(sys, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) {
		if !held.Swap(true) { // hold the outcome goroutine: later Successes stay unswept
			<-gate
		}
		out.add(o)
	}))
	if err != nil {
		t.Fatal(err)
	}
	cnt := newCounter()
	entered, release := make(chan struct{}), make(chan struct{})
	pid := spawn(t, sys, worker(d, cnt, func(_ actor.Context, w *testpb.Work) {
		if w.Seq == 5 {
			close(entered)
			<-release
		}
	}))
	for i := range int64(n) {
		d.RootContext().Send(pid, &testpb.Work{Seq: i})
	}
	<-entered // 0 to 4 are done, 5 is being processed, 6 to 9 wait
	closed := make(chan error)
	go func() { closed <- d.Close() }()
	waitFor(t, "Close to abandon the rest", func() bool { return d.Tracker().Summary().Totals.Abandoned == n-5 })
	close(gate)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	close(release)
	for _, o := range out.wait(t, n) {
		seq := o.Message.(*testpb.Work).Seq
		if want := messaging.ResultAbandoned; seq < 5 {
			if o.Result != messaging.ResultSuccess {
				t.Errorf("message %d (processed before Close): %v, want Success", seq, o.Result)
			}
		} else if o.Result != want {
			t.Errorf("message %d: %v, want %v", seq, o.Result, want)
		}
	}
	if out.dup != 0 || d.Tracker().Pending() != 0 {
		t.Errorf("%d outcomes twice, %d pending", out.dup, d.Tracker().Pending())
	}
}

// TestStreamConcurrentSenders: several goroutines send to one actor at
// once; every message is processed once, ends in one Success, and the
// Summary counts each once.
func TestStreamConcurrentSenders(t *testing.T) {
	const senders, per = 4, 1000
	sys := newSystem(t)
	out := newOutcomes(senders * per)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	cnt := newCounter()
	pid := spawn(t, sys, worker(d, cnt, nil))
	sendFrom(d, pid, senders, per)
	for _, o := range out.wait(t, senders*per) {
		if o.Result != messaging.ResultSuccess || o.Attempts != 1 {
			t.Fatalf("outcome %v after %d attempts", o.Result, o.Attempts)
		}
	}
	cnt.checkOnce(t, senders*per)
	s := d.Tracker().Summary()
	if s.Totals.Sent != senders*per || s.Totals.Succeeded != senders*per || s.Pending != 0 || out.dup != 0 {
		t.Errorf("Summary: %d sent, %d succeeded, %d pending; %d outcomes twice", s.Totals.Sent, s.Totals.Succeeded, s.Pending, out.dup)
	}
}

// sendFrom sends senders*per Work messages to pid, numbered from 0, from
// senders goroutines at once, and returns when all are sent.
func sendFrom(d *Delivery, pid *actor.PID, senders, per int) {
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				d.RootContext().Send(pid, &testpb.Work{Seq: int64(s*per + i)})
			}
		}()
	}
	wg.Wait()
}

// TestStreamTimerRaces: with a 2 ms timeout, the stream timer promotes
// messages while the actor takes them and ends them, on a real clock (the
// actor holds the first message until a timeout, so that many wait).
// Whatever wins each race, every message gets exactly one outcome, none
// is processed twice, and each Success was processed.
func TestStreamTimerRaces(t *testing.T) {
	const n = 1000
	pol := messaging.Policy{Timeout: 2 * time.Millisecond, MaxRetries: 50, FixedTimeout: true,
		Backoff: messaging.Backoff{Base: 5 * time.Millisecond, Multiplier: 1, Max: 5 * time.Millisecond}}
	sys := newSystem(t)
	out := newOutcomes(n)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithPolicy(kindWork, pol))
	cnt := newCounter()
	pid := spawn(t, sys, worker(d, cnt, func(_ actor.Context, w *testpb.Work) {
		if w.Seq == 0 { // the rest waits in the mailbox until the timer has promoted some
			waitFor(t, "a timeout", func() bool { return d.Tracker().Summary().Totals.Timeouts > 0 })
		}
		spinSink.Add(spin(int(w.Seq%7) * 500))
	}))
	for i := range int64(n) {
		d.RootContext().Send(pid, &testpb.Work{Seq: i})
	}
	for _, o := range out.wait(t, n) {
		seq := o.Message.(*testpb.Work).Seq
		if o.Result == messaging.ResultSuccess && cnt.get(seq) != 1 {
			t.Errorf("message %d: Success, processed %d times", seq, cnt.get(seq))
		}
	}
	for i := range int64(n) {
		if cnt.get(i) > 1 {
			t.Errorf("message %d processed %d times", i, cnt.get(i))
		}
	}
	s := d.Tracker().Summary()
	t.Logf("%d re-sends, %d timeouts", s.Totals.Retried, s.Totals.Timeouts)
	if out.dup != 0 {
		t.Errorf("%d outcomes twice", out.dup)
	}
	waitFor(t, "nothing pending", func() bool { return d.Tracker().Pending() == 0 })
}

// TestStreamOtherReceivers: a stream message read by a receiver the
// stream cannot serve still ends in one Success, processed once: an actor
// with another Delivery's middleware (it acks by ID), and one whose
// context is not a trackedContext (middleware installed by hand).
func TestStreamOtherReceivers(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(20)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	other := mustNew(t, sys, Track[*testpb.Work](kindWork))
	c1, c2 := newCounter(), newCounter()
	foreign := spawn(t, sys, worker(other, c1, nil))
	byHand := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if w, ok := ctx.Message().(*testpb.Work); ok {
			c2.inc(w.Seq)
		}
	}, actor.WithReceiverMiddleware(d.ReceiverMiddleware())))
	for i := range int64(10) {
		d.RootContext().Send(foreign, &testpb.Work{Seq: i})
		d.RootContext().Send(byHand, &testpb.Work{Seq: i})
	}
	for _, o := range out.wait(t, 20) {
		if o.Result != messaging.ResultSuccess || o.Attempts != 1 {
			t.Errorf("outcome %v after %d attempts, want Success after 1", o.Result, o.Attempts)
		}
	}
	c1.checkOnce(t, 10)
	c2.checkOnce(t, 10)
	if streams(d) != 2 {
		t.Errorf("%d streams, want 2", streams(d))
	}
}

// TestStreamsBounded: a Delivery keeps at most maxStreams streams: at the
// bound, idle ones are dropped to make room, and every message still ends
// in a Success.
func TestStreamsBounded(t *testing.T) {
	const targets = maxStreams + 40
	sys := newSystem(t)
	out := newOutcomes(1)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	cnt := newCounter()
	props := worker(d, cnt, nil)
	for i := range int64(targets) {
		pid := sys.Root.Spawn(props)
		d.RootContext().Send(pid, &testpb.Work{Seq: i})
		if o := out.wait(t, 1)[0]; o.Result != messaging.ResultSuccess {
			t.Fatalf("message %d: %v", i, o.Result)
		}
		stop(t, sys, pid)
		if n := streams(d); n > maxStreams {
			t.Fatalf("%d streams after %d targets", n, i+1)
		}
		d.streams.mu.Lock()
		s := d.streams.byID[pid.Id]
		d.streams.mu.Unlock()
		if s == nil {
			t.Fatalf("target %d got no stream", i)
		}
	}
	cnt.checkOnce(t, targets)
}

// TestStreamPendingCap: stream messages count against WithMaxPending as
// tracked ones do, and Send reports the refusal.
func TestStreamPendingCap(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(4)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithTrackerOptions(messaging.WithMaxPending(3)))
	cnt := newCounter()
	release := make(chan struct{})
	pid := spawn(t, sys, worker(d, cnt, func(actor.Context, *testpb.Work) { <-release }))
	for i := range int64(3) {
		if _, err := d.Send(d.RootContext(), pid, &testpb.Work{Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Send(d.RootContext(), pid, &testpb.Work{Seq: 3}); !errors.Is(err, messaging.ErrTooManyPending) {
		t.Errorf("fourth Send: %v, want ErrTooManyPending", err)
	}
	close(release)
	out.wait(t, 3)
	waitFor(t, "nothing pending", func() bool { return d.Tracker().Pending() == 0 })
	if _, err := d.Send(d.RootContext(), pid, &testpb.Work{Seq: 3}); err != nil {
		t.Errorf("Send after the outcomes: %v", err)
	}
	out.wait(t, 1)
	cnt.checkOnce(t, 4)
}

// TestStreamFirstAttemptAfterResend: a first attempt that reaches the
// mailbox only after its timeout, promotion and re-send (its sender was
// held between recording it and posting it) is not processed again: the
// re-send was, and the late first attempt is re-acked from the window.
func TestStreamFirstAttemptAfterResend(t *testing.T) {
	clk, sys, out, d := manualDelivery(t, 1, WithPolicy(kindWork, fixedPolicy(time.Second, 2)))
	cnt := newCounter()
	pid := spawn(t, sys, worker(d, cnt, nil))
	var held *actor.MessageEnvelope
	_, err := d.send(d.RootContext(), pid, &actor.MessageEnvelope{Message: &testpb.Work{Seq: 0}}, kindWork,
		func(_ actor.SenderContext, _ *actor.PID, env *actor.MessageEnvelope) { held = env })
	if err != nil || held == nil || streams(d) != 1 {
		t.Fatalf("send: %v; envelope held %v; %d streams", err, held != nil, streams(d))
	}
	clk.Advance(time.Second)            // promoted and timed out
	clk.Advance(100 * time.Millisecond) // re-sent
	o := out.wait(t, 1)[0]
	if o.Result != messaging.ResultSuccess || o.Attempts != 2 {
		t.Fatalf("outcome %v after %d attempts, want Success after 2", o.Result, o.Attempts)
	}
	sys.Root.Send(pid, held) // the first attempt, at last
	waitFor(t, "the late first attempt re-acked", func() bool { return d.Tracker().Summary().DuplicateAcks == 1 })
	cnt.checkOnce(t, 1)
}

// relay is an ack route of a test's own: it counts the acks that come to
// it and passes them on to the route they were meant for.
type relay struct {
	sys    *actor.ActorSystem
	plain  *actor.RootContext
	id     string
	mu     sync.Mutex
	routes map[uint32]*actor.PID
	acks   atomic.Int64
}

func newRelay(sys *actor.ActorSystem) *relay {
	r := &relay{sys: sys, plain: actor.NewRootContext(sys, nil), routes: map[uint32]*actor.PID{}}
	r.id = "relay" + sys.ProcessRegistry.NextId()
	sys.ProcessRegistry.Add(r, r.id)
	return r
}

// via returns a relay route for route, remembering where its acks go.
func (r *relay) via(route *actor.PID) *actor.PID {
	r.mu.Lock()
	r.routes[route.RequestId] = route
	r.mu.Unlock()
	return &actor.PID{Address: r.sys.Address(), Id: r.id, RequestId: route.RequestId}
}

func (r *relay) SendUserMessage(pid *actor.PID, msg any) {
	r.acks.Add(1)
	r.mu.Lock()
	route := r.routes[pid.RequestId]
	r.mu.Unlock()
	r.plain.Send(route, msg)
}

func (*relay) SendSystemMessage(*actor.PID, any) {}
func (*relay) Stop(*actor.PID)                   {}

// TestStreamCopiedEnvelopes: a receiver middleware ahead of the
// Delivery's passes on two copies of each stream envelope: the first with
// a copy of the Sender, the second the same, or with the Sender replaced
// by a route of its own that relays the acks (as a lossy link does), at
// once or after the message's record is gone. Each message is processed
// once and ends in one Success; each relayed copy is acked.
func TestStreamCopiedEnvelopes(t *testing.T) {
	const n = 200
	for _, c := range []struct{ relayed, late bool }{{false, false}, {false, true}, {true, false}, {true, true}} {
		relayed := c.relayed
		sys := newSystem(t)
		out := newOutcomes(n)
		d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
		r := newRelay(sys)
		cnt := newCounter()
		twice := func(next actor.ReceiverFunc) actor.ReceiverFunc {
			return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
				if _, ok := env.Message.(*testpb.Work); !ok || env.Sender == nil {
					next(ctx, env)
					return
				}
				route := env.Sender
				for i := range 2 {
					s := &actor.PID{Address: route.Address, Id: route.Id, RequestId: route.RequestId}
					if i == 1 && relayed {
						s = r.via(route)
					}
					if i == 1 && c.late {
						waitFor(t, "the record swept", func() bool { return d.routes.wasDone(route.RequestId) })
					}
					next(ctx, &actor.MessageEnvelope{Header: env.Header, Message: env.Message, Sender: s})
				}
			}
		}
		pid := spawn(t, sys, worker(d, cnt, nil, actor.WithReceiverMiddleware(twice)))
		for i := range int64(n) {
			d.RootContext().Send(pid, &testpb.Work{Seq: i})
		}
		for _, o := range out.wait(t, n) {
			if o.Result != messaging.ResultSuccess || o.Attempts != 1 {
				t.Errorf("%+v: outcome %v after %d attempts", c, o.Result, o.Attempts)
			}
		}
		cnt.checkOnce(t, n)
		if relayed {
			waitFor(t, "an ack for each relayed copy", func() bool { return r.acks.Load() == n })
		}
		if streams(d) != 1 || out.dup != 0 {
			t.Errorf("%+v: %d streams, %d outcomes twice", c, streams(d), out.dup)
		}
	}
}

// TestStreamEnvelopePassedTwice: a receiver middleware ahead of the
// Delivery's passes the very same stream envelope on twice. The message
// is processed once.
func TestStreamEnvelopePassedTwice(t *testing.T) {
	const n = 100
	sys := newSystem(t)
	out := newOutcomes(n)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	cnt := newCounter()
	twice := func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			next(ctx, env)
			if _, ok := env.Message.(*testpb.Work); ok {
				next(ctx, env)
			}
		}
	}
	pid := spawn(t, sys, worker(d, cnt, nil, actor.WithReceiverMiddleware(twice)))
	for i := range int64(n) {
		d.RootContext().Send(pid, &testpb.Work{Seq: i})
	}
	out.wait(t, n)
	cnt.checkOnce(t, n)
}

// TestStreamMixedKinds: on one stream, a kind with a short timeout behind
// one with a long timeout is re-sent at its own timeout (the stream timer
// promotes at the shortest of the kinds' timeouts), and the long one at
// its own, not earlier.
func TestStreamMixedKinds(t *testing.T) {
	clk, sys, out, d := manualDelivery(t, 2, Track[*testpb.Plain]("Plain"),
		WithPolicy(kindWork, fixedPolicy(10*time.Second, 20)), WithPolicy("Plain", fixedPolicy(time.Second, 20)))
	entered, release := make(chan struct{}), make(chan struct{})
	var works, plains atomic.Int64
	pid := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		switch ctx.Message().(type) {
		case *testpb.Work:
			if works.Add(1) == 1 {
				close(entered)
				<-release
			}
		case *testpb.Plain:
			plains.Add(1)
		}
	}, d.PropsOption()))
	d.RootContext().Send(pid, &testpb.Work{})
	d.RootContext().Send(pid, &testpb.Plain{})
	<-entered
	retried := func(k messaging.Kind) uint64 {
		for _, ks := range d.Tracker().Summary().Kinds {
			if ks.Kind == k {
				return ks.Counts.Retried
			}
		}
		return 0
	}
	clk.Advance(time.Second)            // both promoted; Plain timed out
	clk.Advance(100 * time.Millisecond) // Plain re-sent
	if w, p := retried(kindWork), retried("Plain"); w != 0 || p != 1 {
		t.Fatalf("re-sends at 1.1 s: Work %d, Plain %d; want 0 and 1", w, p)
	}
	clk.Advance(10*time.Second - 1100*time.Millisecond - 1) // just before Work's timeout
	if w := retried(kindWork); w != 0 {
		t.Fatalf("Work re-sent %d times before its timeout", w)
	}
	clk.Advance(1)                      // Work timed out
	clk.Advance(100 * time.Millisecond) // and re-sent
	if w := retried(kindWork); w != 1 {
		t.Fatalf("Work re-sent %d times at 10.1 s, want 1", w)
	}
	close(release)
	for _, o := range out.wait(t, 2) {
		if o.Result != messaging.ResultSuccess || o.Attempts != int(retried(o.Kind))+1 {
			t.Errorf("%s: %v after %d attempts, want Success after %d", o.Kind, o.Result, o.Attempts, retried(o.Kind)+1)
		}
	}
	waitFor(t, "the re-sends re-acked", func() bool {
		return d.Tracker().Summary().DuplicateAcks == retried(kindWork)+retried("Plain")
	})
	if works.Load() != 1 || plains.Load() != 1 {
		t.Errorf("Work processed %d times, Plain %d; want 1 each", works.Load(), plains.Load())
	}
}

// TestStreamRecordsReusedSafely: records are reused (TestTrackedAllocs
// counts the bytes that shows), yet a middleware
// ahead of the Delivery's that reads the envelope after the Delivery's
// returns still finds its own message there, while other senders keep
// the stream busy (under -race, a record reused too early is a data race
// as well).
func TestStreamRecordsReusedSafely(t *testing.T) {
	const senders, per = 2, 3000
	sys := newSystem(t)
	out := newOutcomes(senders * per)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	var wrong atomic.Int64
	after := func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			msg := env.Message
			next(ctx, env)
			runtime.Gosched() // let the sweep and the senders run
			if env.Message != msg {
				wrong.Add(1)
			}
		}
	}
	cnt := newCounter()
	pid := spawn(t, sys, worker(d, cnt, nil, actor.WithReceiverMiddleware(after)))
	sendFrom(d, pid, senders, per)
	out.wait(t, senders*per)
	cnt.checkOnce(t, senders*per)
	if n := wrong.Load(); n > 0 {
		t.Errorf("%d envelopes held another message after the Delivery's middleware returned", n)
	}
}

// TestStreamReuseWaitsForWalks: a record the stream timer's walk is
// visiting is not reused meanwhile, while the receiver processes
// thousands of later messages and the sweep gives their records back.
// (Reused under the walk, a record's send time is written by a sender
// and read by the walk without order: a data race under -race.)
func TestStreamReuseWaitsForWalks(t *testing.T) {
	clk, sys, _, d := manualDelivery(t, 1, WithPolicy(kindWork, fixedPolicy(time.Second, 1000)))
	var handled atomic.Int64
	pid := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Work); ok {
			handled.Add(1)
		}
	}, d.PropsOption()))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // keeps the stream busy
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				d.RootContext().Send(pid, &testpb.Work{})
			}
		}
	}()
	var held atomic.Bool
	hold := func() {
		if held.Swap(true) {
			return
		}
		from := handled.Load()
		waitFor(t, "later messages handled during the walk", func() bool { return handled.Load() > from+3000 })
	}
	walkHook.Store(&hold)
	defer walkHook.Store(nil)
	for !held.Load() { // until a walk finds a record in flight
		waitFor(t, "messages handled", func() bool { return handled.Load() > 0 })
		clk.Advance(time.Second)
	}
	close(stop)
	wg.Wait()
}
