package middleware

import (
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// BenchmarkThroughput compares, in one run, plain Send from a root context
// with tracked send+ack: each op is one message, sent and processed
// (Plain; Untracked: through the middleware, of a type not registered),
// or sent, processed and acknowledged (Tracked; at most 1024 pending).
// Reported as msg/s.
func BenchmarkThroughput(b *testing.B) {
	b.Run("Plain", func(b *testing.B) {
		sys := newSystem(b)
		done, count := sink(b.N)
		pid := spawn(b, sys, actor.PropsFromFunc(count))
		root := actor.NewRootContext(sys, nil)
		msg := &testpb.Work{}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			root.Send(pid, msg)
		}
		<-done
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
	})
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
	b.Run("Tracked", func(b *testing.B) {
		sys := newSystem(b)
		slots := make(chan struct{}, 1024)
		acked := make(chan struct{})
		var n atomic.Int64
		d := mustNew(b, sys, Track[*testpb.Work](kindWork), WithOutcome(func(o messaging.Outcome) {
			<-slots
			if o.Result == messaging.ResultSuccess && n.Add(1) == int64(b.N) {
				close(acked)
			}
		}))
		_, count := sink(b.N)
		pid := spawn(b, sys, actor.PropsFromFunc(count, d.PropsOption()))
		root := d.RootContext()
		msg := &testpb.Work{}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			slots <- struct{}{}
			root.Send(pid, msg)
		}
		<-acked
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
	})
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
	outcomes := make(chan messaging.Outcome, 1)
	d := mustNew(b, sys, Track[*testpb.Work](kindWork), WithOutcome(func(o messaging.Outcome) { outcomes <- o }))
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
	outcomes := make(chan messaging.Outcome, 1)
	d, err := New(sys, Track[*testpb.Work](kindWork), WithOutcome(func(o messaging.Outcome) { outcomes <- o }))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	fence, err := sys.Root.SpawnNamed(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Plain); ok {
			ctx.Respond(&testpb.Plain{})
		}
	}), "fence")
	if err != nil {
		b.Fatal(err)
	}
	defer stop(b, sys, fence)
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
