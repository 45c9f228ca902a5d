package middleware

import (
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/internal/cputime"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// BenchmarkThroughput compares, in one run, plain Send from a root context
// with tracked send+ack: each op is one message, sent and processed
// (Plain; Untracked: through the middleware, of a type not registered),
// or sent, processed and acknowledged (Tracked; at most 1024 pending).
// PlainAck is the floor of any acknowledged delivery on protoactor: plain
// Send, and a plain ack message back per message to an actor that counts
// them, at most 1024 pending, with no ID, record, de-duplication, timeout
// or outcome queue. Reported as msg/s, and but for Untracked the process's
// CPU time per message (cpu-ns/msg: what moves least when other work
// shares the machine).
func BenchmarkThroughput(b *testing.B) {
	b.Run("Plain", func(b *testing.B) { throughputPlain(b, sink) })
	b.Run("PlainAck", throughputPlainAck)
	b.Run("Untracked", func(b *testing.B) { // through the middleware, not registered
		sys := newSystem(b)
		d := mustNew(b, sys)
		done, count := sink(b.N)
		pid := spawn(b, sys, actor.PropsFromFunc(count, d.PropsOption()))
		root := d.RootContext()
		msg := &testpb.Work{}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			root.Send(pid, msg)
		}
		<-done
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
	})
	b.Run("Tracked", func(b *testing.B) { throughputTracked(b, sink) })
}

// BenchmarkThroughputWork is Plain and Tracked of BenchmarkThroughput with
// a handler that works about 1 µs per message (a calibrated spin), to show
// what tracking costs next to some work rather than none.
func BenchmarkThroughputWork(b *testing.B) {
	iters := spinFor(time.Microsecond)
	busy := func(n int) (chan struct{}, actor.ReceiveFunc) {
		done, count := sink(n)
		return done, func(ctx actor.Context) {
			if _, ok := ctx.Message().(*testpb.Work); ok {
				spinSink.Add(spin(iters))
			}
			count(ctx)
		}
	}
	b.Run("Plain", func(b *testing.B) { throughputPlain(b, busy) })
	b.Run("Tracked", func(b *testing.B) { throughputTracked(b, busy) })
}

// throughputPlain is BenchmarkThroughput/Plain with the handler handler
// makes (a channel closed after n messages, and the handler).
func throughputPlain(b *testing.B, handler func(n int) (chan struct{}, actor.ReceiveFunc)) {
	sys := newSystem(b)
	done, count := handler(b.N)
	pid := spawn(b, sys, actor.PropsFromFunc(count))
	timedSends(b, actor.NewRootContext(sys, nil), pid, nil, done, nil)
}

// throughputPlainAck is BenchmarkThroughput/PlainAck.
func throughputPlainAck(b *testing.B) {
	sys := newSystem(b)
	f := newFlight(1024) // as throughputTracked
	done := make(chan struct{})
	acks := spawn(b, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Plain); ok && f.release() == int64(b.N) {
			close(done)
		}
	}))
	ack := &testpb.Plain{}
	pid := spawn(b, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Work); ok {
			ctx.Send(acks, ack)
		}
	}))
	timedSends(b, actor.NewRootContext(sys, nil), pid, f, done, nil)
}

// throughputTracked is BenchmarkThroughput/Tracked with the handler
// handler makes.
func throughputTracked(b *testing.B, handler func(n int) (chan struct{}, actor.ReceiveFunc)) {
	sys := newSystem(b)
	f := newFlight(1024) // pending at most; the sender resumes at half
	var failed atomic.Int64
	done := make(chan struct{})
	d := mustNew(b, sys, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) {
		if o.Result != messaging.ResultSuccess {
			failed.Add(1)
		}
		if f.release() == int64(b.N) {
			close(done)
		}
	}))
	_, count := handler(b.N)
	pid := spawn(b, sys, actor.PropsFromFunc(count, d.PropsOption()))
	timedSends(b, d.RootContext(), pid, f, done, func() {
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of %d messages not a Success", n, b.N)
		}
	})
}

// timedSends times b.N sends of one *testpb.Work from root to pid, each after
// f.acquire when f is not nil, until done is closed; then it runs check,
// if not nil, and reports msg/s and the process's CPU time per message.
func timedSends(b *testing.B, root *actor.RootContext, pid *actor.PID, f *flight, done <-chan struct{}, check func()) {
	msg := &testpb.Work{}
	cpu := cputime.Process()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if f != nil {
			f.acquire()
		}
		root.Send(pid, msg)
	}
	<-done
	b.StopTimer()
	if check != nil {
		check()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
	b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N), "cpu-ns/msg")
}

// spin runs iters steps of xorshift, work the compiler cannot drop.
func spin(iters int) uint64 {
	x := uint64(88172645463325252)
	for range iters {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

var spinSink atomic.Uint64

// spinFor returns the spin iterations that take about d here.
func spinFor(d time.Duration) int {
	const probe = 1 << 20
	start := time.Now()
	spinSink.Add(spin(probe))
	per := float64(time.Since(start)) / probe
	return max(1, int(float64(d)/per))
}

// sink returns a handler that counts *testpb.Work, and a channel closed at n.
func sink(n int) (chan struct{}, actor.ReceiveFunc) {
	done := make(chan struct{})
	var got atomic.Int64
	return done, func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Work); ok && got.Add(1) == int64(n) {
			close(done)
		}
	}
}

// BenchmarkAckLatency measures the ack round trip in-process, one message
// at a time: from Send to the outcome (Success) at the sender.
func BenchmarkAckLatency(b *testing.B) {
	sys := newSystem(b)
	outcomes := make(chan Outcome, 1)
	d := mustNew(b, sys, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) { outcomes <- o }))
	_, count := sink(-1)
	pid := spawn(b, sys, actor.PropsFromFunc(count, d.PropsOption()))
	b.Run("InProcess", func(b *testing.B) {
		roundTrips(b, func() {
			d.RootContext().Send(pid, &testpb.Work{})
			if o := <-outcomes; o.Result != messaging.ResultSuccess {
				b.Fatalf("outcome %v", o.Result)
			}
		})
	})
}

// BenchmarkAckLatencyRemote measures the ack round trip over loopback
// protoactor remote to a child process, beside a plain remote request
// round trip (RequestFuture to an echo actor) for comparison.
func BenchmarkAckLatencyRemote(b *testing.B) {
	if testing.Short() {
		b.Skip("starts a child process")
	}
	portA, portB := freePort(b), freePort(b)
	sys, rem := startRemote(portA)
	defer sys.Shutdown()
	defer rem.Shutdown(true)
	outcomes := make(chan Outcome, 1)
	d, err := New(sys, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) { outcomes <- o }))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	defer stop(b, sys, spawnFence(b, sys))
	c := startChild(b, portB, sys.Address(), nil)
	defer c.drain(b)
	addr := "127.0.0.1:" + strconv.Itoa(portB)
	worker, echo := actor.NewPID(addr, "worker"), actor.NewPID(addr, "echo")
	if _, err := sys.Root.RequestFuture(echo, &testpb.Plain{}, testDeadline).Result(); err != nil {
		b.Fatal(err) // warms the connection up
	}

	b.Run("Tracked", func(b *testing.B) {
		roundTrips(b, func() {
			d.RootContext().Send(worker, &testpb.Work{})
			if o := <-outcomes; o.Result != messaging.ResultSuccess {
				b.Fatalf("outcome %v: %v", o.Result, o.Err)
			}
		})
	})
	b.Run("PlainRequest", func(b *testing.B) {
		roundTrips(b, func() {
			if _, err := sys.Root.RequestFuture(echo, &testpb.Plain{}, testDeadline).Result(); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// roundTrips times b.N calls of rt and reports their p50 and p99 in µs.
func roundTrips(b *testing.B, rt func()) {
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		rt()
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e3 }
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
}

// BenchmarkSenderPath is the sender's CPU per tracked message, without
// protoactor: the sender middleware with a next that keeps the envelope,
// then the ack fed straight to the Delivery (Track, headers, Acknowledge,
// outcome).
func BenchmarkSenderPath(b *testing.B) {
	sys := newSystem(b)
	d := mustNew(b, sys, Track[*testpb.Work](kindWork))
	var last *actor.MessageEnvelope
	send := d.SenderMiddleware()(func(_ actor.SenderContext, _ *actor.PID, env *actor.MessageEnvelope) { last = env })
	pid := actor.NewPID(sys.Address(), "anyone")
	msg := &testpb.Work{}
	root := d.RootContext()
	b.ReportAllocs()
	for range b.N {
		send(root, pid, &actor.MessageEnvelope{Message: msg})
		id, ok := shortID(last.GetHeader(HeaderID), last.Sender) // a first attempt's short form
		if !ok {
			b.Fatalf("not a short-form ID: %q", last.GetHeader(HeaderID))
		}
		d.acknowledge(last.Sender.RequestId, messaging.Success(id))
	}
}

// BenchmarkReceiverPath is the receiver's CPU per tracked message, without
// protoactor: the receiver middleware on fresh IDs, with a handler that
// returns at once, acking to its own Delivery's route (an unknown message
// there, so the tracker's part is small).
func BenchmarkReceiverPath(b *testing.B) {
	sys := newSystem(b)
	d := mustNew(b, sys, Track[*testpb.Work](kindWork))
	recv := d.ReceiverMiddleware()(func(actor.ReceiverContext, *actor.MessageEnvelope) {})
	route := &actor.PID{Address: sys.Address(), Id: d.routeID}
	envs := make([]*actor.MessageEnvelope, 4096)
	fresh := func() {
		for i := range envs {
			envs[i] = &actor.MessageEnvelope{Message: &testpb.Work{}, Sender: route,
				Header: map[string]string{HeaderID: messaging.NewID().String(), HeaderKind: "Work", HeaderAttempt: "1"}}
		}
	}
	fresh()
	// The loop runs inside an actor, so the middleware gets a real
	// receiver context (it reads Self).
	done := make(chan struct{})
	pid := spawn(b, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Plain); !ok {
			return
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if i%len(envs) == 0 && i > 0 {
				b.StopTimer()
				fresh()
				b.StartTimer()
			}
			recv(ctx, envs[i%len(envs)])
		}
		b.StopTimer()
		close(done)
	}))
	sys.Root.Send(pid, &testpb.Plain{})
	<-done
}
