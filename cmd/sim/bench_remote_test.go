package main

import (
	"fmt"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/remoting"
	"github.com/protoack/protoack/middleware"
)

// BenchmarkRemoteRatio alternates batches of orchestrated ticks on two
// orchestrators in this process, on the same graph from the same start:
// one with a local ForceCompute, one driving a `sim compute` node (a child
// process) over loopback protoactor remote, so that load on a shared
// machine falls on both alike. One op is one batch of each; it reports
// each side's ticks per second and remote/local.
func BenchmarkRemoteRatio(b *testing.B) {
	const batch = 10
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			g := kerneltest.BAGraph(n, 2, 1)
			p := kernel.Defaults()
			addr := freeAddr(b)
			defer startNode(b, addr).stop(b)
			sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
				return slog.New(slog.DiscardHandler)
			}))
			defer sys.Shutdown()
			rc, err := remoting.Config("127.0.0.1", 0, "")
			if err != nil {
				b.Fatal(err)
			}
			rem, err := remoting.Start(sys, rc)
			if err != nil {
				b.Fatal(err)
			}
			defer rem.Shutdown(false)
			d, err := middleware.New(sys, physics.DeliveryOptions(nil)...)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			spawn := func(remote *actor.PID) (*actor.PID, chan struct{}) {
				limit := make(chan struct{}, 1)
				pid, err := physics.Spawn(sys.Root, physics.Config{
					Delivery: d, Backend: "cpu", Params: p, Graph: g, Settle: true, Remote: remote, PlainStart: true,
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
				<-limit
				return pid, limit
			}
			local, localLimit := spawn(nil)
			defer func() { _ = sys.Root.StopFuture(local).Wait() }()
			remote, remoteLimit := spawn(actor.NewPID(addr, computeName))
			defer func() { _ = sys.Root.StopFuture(remote).Wait() }()
			var tl, tr time.Duration
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				sys.Root.Send(local, &protocol.Resume{Ticks: batch})
				<-localLimit
				t1 := time.Now()
				sys.Root.Send(remote, &protocol.Resume{Ticks: batch})
				<-remoteLimit
				tl, tr = tl+t1.Sub(t0), tr+time.Since(t1)
			}
			ticks := float64(b.N * batch)
			b.ReportMetric(ticks/tl.Seconds(), "local-ticks/s")
			b.ReportMetric(ticks/tr.Seconds(), "remote-ticks/s")
			b.ReportMetric(float64(tl)/float64(tr), "remote/local")
		})
	}
}
