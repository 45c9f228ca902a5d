package middleware

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// BenchmarkThroughputRemote compares, in one run over loopback protoactor
// remote to a child process's "sink": plain remote Send (then a request to
// the sink as a fence, so every message was processed) against tracked
// send+ack (at most 1024 pending, each op ending at its Success outcome
// back at the sender). Reported as msg/s.
func BenchmarkThroughputRemote(b *testing.B) {
	if testing.Short() {
		b.Skip("starts a child process")
	}
	portA, portB := freePort(b), freePort(b)
	sys, rem := startRemote(portA)
	defer sys.Shutdown()
	defer rem.Shutdown(true)
	const window = 1024 // pending at most; the sender resumes at half
	var inflight, acked atomic.Int64
	var want atomic.Int64
	resume, done := make(chan struct{}, 1), make(chan struct{}, 1)
	d, err := New(sys, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) {
		if inflight.Add(-1) == window/2 {
			select {
			case resume <- struct{}{}:
			default:
			}
		}
		if o.Result != messaging.ResultSuccess {
			b.Errorf("outcome %v: %v", o.Result, o.Err)
		}
		if acked.Add(1) == want.Load() {
			done <- struct{}{}
		}
	}))
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
	sink := actor.NewPID("127.0.0.1:"+strconv.Itoa(portB), "sink")
	if _, err := sys.Root.RequestFuture(sink, &testpb.Plain{}, testDeadline).Result(); err != nil {
		b.Fatal(err) // warms the connection up
	}

	b.Run("Plain", func(b *testing.B) {
		msg := &testpb.Plain{}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			sys.Root.Send(sink, msg)
		}
		if _, err := sys.Root.RequestFuture(sink, msg, testDeadline).Result(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
	})
	b.Run("Tracked", func(b *testing.B) {
		inflight.Store(0)
		acked.Store(0)
		want.Store(int64(b.N))
		root := d.RootContext()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if inflight.Add(1) > window {
				for inflight.Load() > window/2 {
					<-resume
				}
			}
			root.Send(sink, &testpb.Work{})
		}
		<-done
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
	})
}
