package physics_test

import (
	"fmt"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/middleware"
)

// BenchmarkTick compares one tick through both actors (settle mode: the
// orchestrator's ComputeForces, ForceCompute's step, positions packed
// into StepCompleted, the ack) with kernel.Step alone, on the same graph.
// The difference at 100 nodes is the actor path's fixed cost per tick.
func BenchmarkTick(b *testing.B) {
	for _, n := range []int{100, 10_000, 100_000} {
		g := kerneltest.BAGraph(n, 2, 1)
		p := kernel.Defaults()
		b.Run(fmt.Sprintf("kernel/n=%d", n), func(b *testing.B) { benchKernel(b, g, p) })
		b.Run(fmt.Sprintf("orchestrated/n=%d", n), func(b *testing.B) { benchOrchestrated(b, g, p) })
	}
}

func benchKernel(b *testing.B, g kernel.Graph, p kernel.Params) {
	k, err := cpu.New(p)
	if err != nil {
		b.Fatal(err)
	}
	defer k.Close()
	if err := k.Upload(g); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := k.Step(1); err != nil {
			b.Fatal(err)
		}
	}
}

func benchOrchestrated(b *testing.B, g kernel.Graph, p kernel.Params) {
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}), actor.WithDeadLetterThrottleInterval(time.Millisecond))
	defer sys.Shutdown()
	d, err := middleware.New(sys, physics.DeliveryOptions(nil)...)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	events := make(chan string, 16)
	pid, err := physics.Spawn(sys.Root, physics.Config{
		Delivery: d, Backend: "cpu", Params: p, Graph: g, Settle: true, PlainStart: true, // the kernel's start
		MaxIterations: uint64(b.N), EnergyPerNode: math.SmallestNonzeroFloat64,
		OnEvent: func(e *protocol.Event) {
			if e.Kind == physics.EventReady || e.Kind == physics.EventLimit {
				events <- e.Kind
			}
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = sys.Root.StopFuture(pid).Wait() }()
	b.ReportAllocs()
	<-events // ready: the loop starts now
	b.ResetTimer()
	<-events // limit: b.N ticks done
	b.StopTimer()
}

// BenchmarkRatio alternates batches of ticks on the kernel alone and
// through both actors, on the same graph from the same start, so that
// load on a shared machine falls on both alike. One op is one batch of
// each; it reports each side's time per tick and their ratio
// (kernel/orchestrated: 1 means the actors cost nothing).
func BenchmarkRatio(b *testing.B) {
	const batch = 10
	for _, n := range []int{100, 10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			g := kerneltest.BAGraph(n, 2, 1)
			p := kernel.Defaults()
			k, err := cpu.New(p)
			if err != nil {
				b.Fatal(err)
			}
			defer k.Close()
			if err := k.Upload(g); err != nil {
				b.Fatal(err)
			}
			sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
				return slog.New(slog.DiscardHandler)
			}), actor.WithDeadLetterThrottleInterval(time.Millisecond))
			defer sys.Shutdown()
			d, err := middleware.New(sys, physics.DeliveryOptions(nil)...)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			limit := make(chan struct{}, 1)
			pid, err := physics.Spawn(sys.Root, physics.Config{
				Delivery: d, Backend: "cpu", Params: p, Graph: g, Settle: true, PlainStart: true, // the kernel's start
				MaxIterations: 1, EnergyPerNode: math.SmallestNonzeroFloat64,
				OnEvent: func(e *protocol.Event) {
					if e.Kind == physics.EventLimit {
						limit <- struct{}{}
					}
				},
			})
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = sys.Root.StopFuture(pid).Wait() }()
			<-limit // both at tick 1
			if err := k.Step(1); err != nil {
				b.Fatal(err)
			}
			var alone, actors time.Duration
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if err := k.Step(batch); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				sys.Root.Send(pid, &protocol.Resume{Ticks: batch})
				<-limit
				alone, actors = alone+t1.Sub(t0), actors+time.Since(t1)
			}
			ticks := float64(b.N * batch)
			b.ReportMetric(float64(alone.Nanoseconds())/ticks, "kernel-ns/tick")
			b.ReportMetric(float64(actors.Nanoseconds())/ticks, "actors-ns/tick")
			b.ReportMetric(float64(alone)/float64(actors), "kernel/actors")
			b.ReportMetric(float64(actors-alone)/ticks/1e3, "extra-µs/tick")
		})
	}
}
