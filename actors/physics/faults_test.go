package physics_test

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute"
	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/lossy"
	"github.com/protoack/protoack/messaging"
)

const faultNodes = 800

// converged runs w to equilibrium and checks what every fault run must
// hold: the layout converged, the step counter is exact (the
// orchestrator's iteration is ForceCompute's tick count, no step skewed),
// and the delivery counts reconcile.
func converged(t *testing.T, w *world, g kernel.Graph) (*physics.Stats, messaging.Summary) {
	t.Helper()
	w.until(physics.EventEquilibrium, nil)
	st := w.stats()
	f := w.positions(st.ForceCompute)
	if f.Iteration != st.Iteration || st.Skew != 0 {
		t.Errorf("ForceCompute at tick %d, orchestrator at %d, skew %d: the counter is not exact", f.Iteration, st.Iteration, st.Skew)
	}
	held := w.positions(w.pid)
	if !slices.Equal(held.Positions, f.Positions) {
		t.Error("the orchestrator's layout is not ForceCompute's")
	}
	stress := layoutCheck(t, g, held, params())
	if stress > 0.5 {
		t.Errorf("stress %.3g: the layout did not converge", stress)
	}
	return st, w.reconcile()
}

// TestFaultPanics: ForceCompute panics on every 25th ComputeForces and is
// restarted by supervision; each time the orchestrator sees the Failed
// ack, re-initialises and restores the layout.
func TestFaultPanics(t *testing.T) {
	g := kerneltest.BAGraph(faultNodes, 2, 5)
	w := newWorld(t, nil)
	prod, count := lossy.PanicEvery[*protocol.ComputeForces](forcecompute.Producer(forcecompute.Config{Delivery: w.d}), 25)
	props := actor.PropsFromProducer(prod, w.d.PropsOption())
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true, ForceCompute: props})
	st, sum := converged(t, w, g)
	panics := int(count.Load() / 25)
	if panics < 3 || st.Recoveries != panics || st.Restarts != panics || st.Events[physics.EventRecovered] != panics {
		t.Errorf("%d panics: %d recoveries, %d restarts noticed, %d recovered events", panics, st.Recoveries, st.Restarts, st.Events[physics.EventRecovered])
	}
	if got := kindCounts(sum, protocol.KindComputeForces).Failed; got != uint64(panics) {
		t.Errorf("ComputeForces Failed %d, want one per panic (%d)", got, panics)
	}
	t.Logf("%d panics, iteration %d, %d steps", panics, st.Iteration, st.Steps)
}

// TestFaultLossy: 30% of tracked messages and 30% of acks are dropped and
// 20% of deliveries duplicated, on a link of our own in front of
// ForceCompute. Re-sends and de-duplication carry the layout through.
func TestFaultLossy(t *testing.T) {
	g := kerneltest.BAGraph(faultNodes, 2, 6)
	w := newWorld(t, fast())
	link := lossy.New(w.sys, lossy.Config{MsgLoss: 0.3, AckLoss: 0.3, Dup: 0.2, Seed: 9})
	defer link.Close()
	props := actor.PropsFromProducer(forcecompute.Producer(forcecompute.Config{Delivery: w.d}),
		actor.WithReceiverMiddleware(link.Middleware()), w.d.PropsOption())
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true, ForceCompute: props})
	st, sum := converged(t, w, g)
	ls := link.Stats()
	if ls.MsgDropped == 0 || ls.AckDropped == 0 || ls.Duplicated == 0 || sum.Totals.Retried == 0 {
		t.Errorf("the link did not bite: %+v, %d re-sends", ls, sum.Totals.Retried)
	}
	t.Logf("iteration %d, %d recoveries, %d late failures; link %+v; re-sends %d, exhausted %d",
		st.Iteration, st.Recoveries, st.LateFailures, ls, sum.Totals.Retried, sum.Totals.Exhausted)
}

// TestFaultStopRespawn: ForceCompute is stopped while the loop is paused
// at tick 60; the orchestrator spawns it again and restores the layout it
// held, positions and tick count, before going on to equilibrium.
func TestFaultStopRespawn(t *testing.T) {
	g := kerneltest.BAGraph(faultNodes, 2, 7)
	w := newWorld(t, nil)
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true, MaxIterations: 60})
	w.until(physics.EventLimit, nil)
	before := w.stats()
	held := w.positions(w.pid)
	if err := w.sys.Root.StopFuture(before.ForceCompute).Wait(); err != nil {
		t.Fatal(err)
	}
	rec := w.until(physics.EventRecovered, nil)
	after := w.stats()
	if after.ForceCompute.Equal(before.ForceCompute) || after.Restarts != 1 || rec.Iteration != 60 {
		t.Fatalf("after the stop: ForceCompute %v (was %v), restarts %d, recovered at %d",
			after.ForceCompute, before.ForceCompute, after.Restarts, rec.Iteration)
	}
	f := w.positions(after.ForceCompute)
	if f.Iteration != 60 || !slices.Equal(f.Positions, held.Positions) {
		t.Fatalf("respawned ForceCompute at tick %d, positions restored: %v", f.Iteration, slices.Equal(f.Positions, held.Positions))
	}
	w.sys.Root.Send(w.pid, &protocol.Resume{Ticks: 20})
	if e := w.until(physics.EventLimit, nil); e.Iteration != 80 {
		t.Errorf("Resume{Ticks: 20} from 60 paused at %d, want 80", e.Iteration)
	}
	w.sys.Root.Send(w.pid, &protocol.Resume{})
	st, _ := converged(t, w, g)
	if st.Iteration <= 60 {
		t.Errorf("iteration %d after resuming from 60", st.Iteration)
	}
}

// TestFaultCUDAUnavailable: CUDA requested where there is none: a Failed
// InitializeGPU, then the CPU kernel, with an event saying so.
func TestFaultCUDAUnavailable(t *testing.T) {
	if ok, _ := cuda.Available(); ok {
		t.Skip("CUDA is usable here")
	}
	g := kerneltest.BAGraph(faultNodes, 2, 8)
	w := newWorld(t, nil)
	w.start(physics.Config{Backend: "cuda", Params: params(), Graph: g, Settle: true})
	fb := w.until(physics.EventFallback, nil)
	if !strings.Contains(fb.Reason, "InitializeGPU Failed") || !strings.Contains(fb.Reason, "cuda") {
		t.Errorf("fallback event reason %q", fb.Reason)
	}
	st, sum := converged(t, w, g)
	if st.Fallbacks != 1 || st.Backend != "cpu" || st.Recoveries != 0 {
		t.Errorf("fallbacks %d, backend %q, recoveries %d", st.Fallbacks, st.Backend, st.Recoveries)
	}
	if c := kindCounts(sum, protocol.KindInitializeGPU); c.Failed != 1 || c.Succeeded != 1 {
		t.Errorf("InitializeGPU: %d failed, %d succeeded; want 1 and 1", c.Failed, c.Succeeded)
	}
}

func kindCounts(s messaging.Summary, k messaging.Kind) messaging.Counts {
	for _, ks := range s.Kinds {
		if ks.Kind == k {
			return ks.Counts
		}
	}
	return messaging.Counts{}
}

// TestLostStepCompleted: every 7th StepCompleted is lost on its way back
// (a sender middleware on ForceCompute drops it); the step's ack still
// arrives, and the orchestrator completes the step from ForceCompute's
// positions instead of waiting for ever or recovering.
func TestLostStepCompleted(t *testing.T) {
	g := kerneltest.BAGraph(faultNodes, 2, 12)
	w := newWorld(t, nil)
	var replies, lost atomic.Int64
	drop := func(next actor.SenderFunc) actor.SenderFunc {
		return func(ctx actor.SenderContext, target *actor.PID, env *actor.MessageEnvelope) {
			if _, ok := env.Message.(*protocol.StepCompleted); ok && replies.Add(1)%7 == 0 {
				lost.Add(1)
				return
			}
			next(ctx, target, env)
		}
	}
	props := actor.PropsFromProducer(forcecompute.Producer(forcecompute.Config{Delivery: w.d}),
		actor.WithSenderMiddleware(drop), w.d.PropsOption())
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true, ForceCompute: props})
	st, _ := converged(t, w, g)
	if n := int(lost.Load()); n < 3 || st.LostReplies != n || st.Recoveries != 0 {
		t.Errorf("%d StepCompleted lost: %d noticed, %d recoveries", n, st.LostReplies, st.Recoveries)
	}
}
