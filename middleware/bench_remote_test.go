package middleware

import (
	"flag"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/internal/cputime"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// remoteWindow is how many tracked messages BenchmarkThroughputRemote
// keeps pending at most: 4096 is about 16 batches of first attempts in
// flight (1024, four batches, makes the sender wait on each batch's round
// trip); the tracker's own cap is 1<<20.
var remoteWindow = flag.Int("remote.window", 4096, "messages pending at most in BenchmarkThroughputRemote/Tracked")

// BenchmarkThroughputRemote compares, in one run, over loopback protoactor
// remote to a child process (see TestRemoteNode): plain Send from
// system.Root, fire and forget (Plain), and tracked send, process and ack
// (Tracked; at most 4096 pending, -remote.window). Each op is one message processed by the
// child's "sink"; Plain ends when the sink has counted them all, Tracked
// when every outcome is in. Reported as msg/s, with the bytes this process
// wrote to the child per message (out-B/msg: the messages) and the bytes
// the child wrote back (back-B/msg: the acks), the CPU time each process
// used per message (send-cpu-ns/msg: this one, recv-cpu-ns/msg: the
// child), and for Tracked the messages per batch sent (msg/batch).
func BenchmarkThroughputRemote(b *testing.B) {
	if testing.Short() {
		b.Skip("starts a child process")
	}
	type run struct {
		f     *flight // pending at most -remote.window; the sender resumes at half
		acked atomic.Int64
		n     int64
		done  chan struct{}
	}
	var cur atomic.Pointer[run]
	portA, portB := freePort(b), freePort(b)
	sys, rem := startRemote(portA)
	defer sys.Shutdown()
	defer rem.Shutdown(true)
	d, err := New(sys, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) {
		r := cur.Load()
		r.f.release()
		if o.Result == messaging.ResultSuccess && r.acked.Add(1) == r.n {
			close(r.done)
		}
	}))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	defer stop(b, sys, spawnFence(b, sys))
	c := startChild(b, portB, sys.Address(), nil)
	defer c.drain(b)
	sink := actor.NewPID("127.0.0.1:"+strconv.Itoa(portB), "sink")
	ask := func(what int64) int64 { // 0: messages the sink counted; 1: bytes the child wrote
		res, err := sys.Root.RequestFuture(sink, &testpb.Plain{Seq: what}, testDeadline).Result()
		if err != nil {
			b.Fatal(err)
		}
		return res.(*testpb.Plain).Seq
	}
	ask(0) // warms the connections up
	measure := func(b *testing.B, send func(msg *testpb.Work), wait func()) {
		counted, out, back := ask(0), wireBytes.Load(), ask(1)
		cpu, childCPU := cputime.Process(), ask(2)
		msg := &testpb.Work{}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			send(msg)
		}
		wait()
		for ask(0) < counted+int64(b.N) {
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		b.ReportMetric(float64(wireBytes.Load()-out)/float64(b.N), "out-B/msg")
		b.ReportMetric(float64(ask(1)-back)/float64(b.N), "back-B/msg")
		b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N), "send-cpu-ns/msg")
		b.ReportMetric(float64(ask(2)-childCPU)/float64(b.N), "recv-cpu-ns/msg")
	}
	b.Run("Plain", func(b *testing.B) {
		measure(b, func(msg *testpb.Work) { sys.Root.Send(sink, msg) }, func() {})
	})
	b.Run("Tracked", func(b *testing.B) {
		r := &run{f: newFlight(int64(*remoteWindow)), n: int64(b.N), done: make(chan struct{})}
		cur.Store(r)
		root := d.RootContext()
		batches, items := d.sendq.batches.Load(), d.sendq.items.Load()
		defer func() {
			if n := d.sendq.batches.Load() - batches; n > 0 {
				b.ReportMetric(float64(d.sendq.items.Load()-items)/float64(n), "msg/batch")
			}
		}()
		measure(b, func(msg *testpb.Work) {
			r.f.acquire()
			root.Send(sink, msg)
		}, func() { <-r.done })
	})
}
