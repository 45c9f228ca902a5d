package messaging_test

import (
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/internal/cputime"
	"github.com/protoack/protoack/messaging"
)

// BenchmarkTrackAckVsSend puts BenchmarkTrackAck beside one plain
// protoactor Send in the same run: TrackAck is one Track and its Success
// ack on a Tracker; Send is one root-context Send to an actor that counts
// it, timed until the actor has processed every message (so the
// receiving side's cost counts too, as it would in a Send of a tracked
// message). The ratio of the two is what tracking adds to a message.
//
// Both also report the process's CPU time per op (cpu-ns/op). Send's wall
// time is that of a pipeline: on two or more cores the actor processes
// one message while the sender sends the next, so it shows about half of
// what a Send costs, and how much it hides depends on where the scheduler
// puts the actor. TrackAck runs on one goroutine, so there wall and CPU
// time agree. The CPU ratio compares like with like.
func BenchmarkTrackAckVsSend(b *testing.B) {
	b.Run("TrackAck", func(b *testing.B) {
		cpu := cputime.Process()
		BenchmarkTrackAck(b) // b.N is the iterations b.Loop ran
		b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N), "cpu-ns/op")
	})
	b.Run("Send", func(b *testing.B) {
		sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
			return slog.New(slog.DiscardHandler)
		}))
		defer sys.Shutdown()
		var got atomic.Int64
		done := make(chan struct{})
		n := int64(b.N)
		pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
			if _, ok := ctx.Message().(*messaging.Ack); ok && got.Add(1) == n {
				close(done)
			}
		}))
		defer sys.Root.Stop(pid)
		msg := &messaging.Ack{}
		cpu := cputime.Process()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			sys.Root.Send(pid, msg)
		}
		<-done
		b.StopTimer()
		b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N), "cpu-ns/op")
	})
}
