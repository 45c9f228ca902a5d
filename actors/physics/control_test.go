package physics_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/middleware"
)

// TestSlowSubscriber: a subscriber that never gets past its first frame
// does not hold the loop back: the loop reaches its limit, the subscriber
// got its window of frames, and every other frame due was dropped and
// counted. A subscriber with room for every frame gets every frame.
func TestSlowSubscriber(t *testing.T) {
	const steps = 150
	w := newWorld(t, nil)
	release := make(chan struct{})
	got := make(chan *protocol.PositionsFrame, steps)
	slow := w.sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*protocol.PositionsFrame); ok {
			<-release // stuck until the test ends
		}
	}))
	fast := w.sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if f, ok := ctx.Message().(*protocol.PositionsFrame); ok {
			got <- f
			ctx.Respond(&protocol.FrameAck{Subscription: f.Subscription})
		}
	}))
	defer func() {
		close(release)
		w.sys.Root.Stop(slow)
		w.sys.Root.Stop(fast)
	}()
	g := kerneltest.BAGraph(300, 2, 3)
	// CalmTicks beyond the limit: the loop never sleeps before it.
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true, MaxIterations: steps, CalmTicks: steps + 1})
	w.sys.Root.Send(w.pid, &physics.Subscribe{PID: slow, Window: 2})
	w.sys.Root.Send(w.pid, &physics.Subscribe{PID: fast, Window: steps + 1})
	w.until(physics.EventLimit, nil)
	st := w.stats()
	if st.Iteration != steps {
		t.Fatalf("iteration %d, want %d", st.Iteration, steps)
	}
	var slowS, fastS physics.SubscriberStats
	for _, s := range st.Subscribers {
		if s.PID.Equal(slow) {
			slowS = s
		} else {
			fastS = s
		}
	}
	// Subscribe reached the orchestrator after some steps: frames were due
	// on every step since.
	due := slowS.Sent + slowS.Dropped
	if slowS.Sent != 2 || slowS.Dropped < steps/2 || due > steps {
		t.Errorf("slow subscriber: sent %d, dropped %d; want 2 sent and the rest dropped", slowS.Sent, slowS.Dropped)
	}
	if fastS.Dropped != 0 || fastS.Sent < due {
		t.Errorf("answering subscriber: sent %d, dropped %d; want every frame (%d)", fastS.Sent, fastS.Dropped, due)
	}
	var last *protocol.PositionsFrame
	for range fastS.Sent {
		last = <-got
	}
	if last.Iteration != steps || last.Nodes != 300 || len(last.Positions) != 4*3*300 {
		t.Errorf("last frame: iteration %d, %d nodes, %d bytes", last.Iteration, last.Nodes, len(last.Positions))
	}
}

// TestPauseWakeParams: Pause stops stepping; at equilibrium the loop
// sleeps until a drag or a parameter change wakes it; a parameter change
// reaches the kernel.
func TestPauseWakeParams(t *testing.T) {
	g := kerneltest.BAGraph(400, 2, 4)
	w := newWorld(t, nil)
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true})
	w.until(physics.EventReady, nil)
	w.sys.Root.Send(w.pid, &protocol.Pause{})
	st := w.stats() // after Pause: at most the step in flight completes
	again := w.stats()
	if st.Running || again.Steps > st.Steps+1 {
		t.Errorf("paused: running %v, steps %d then %d", st.Running, st.Steps, again.Steps)
	}
	w.sys.Root.Send(w.pid, &protocol.Resume{})
	w.until(physics.EventEquilibrium, nil)
	asleep := w.stats()
	if !asleep.Asleep || asleep.Running {
		t.Fatalf("at equilibrium: asleep %v, running %v", asleep.Asleep, asleep.Running)
	}

	// A drag pins node 0 far away and wakes the loop.
	w.sys.Root.Send(w.pid, &protocol.UpdateNodePositions{Nodes: []*protocol.NodePosition{{Node: 0, X: 500, Y: 0, Z: 0, Pin: true}}})
	w.until(physics.EventWoke, nil)
	w.until(physics.EventEquilibrium, nil)
	pos, _ := protocol.Unpack(nil, w.positions(w.pid).Positions)
	if pos[0] != 500 || pos[400] != 0 {
		t.Errorf("dragged node 0 at (%v,%v), want (500,0)", pos[0], pos[400])
	}
	dragged := w.stats()
	if dragged.Iteration <= asleep.Iteration {
		t.Errorf("no steps after the drag: iteration %d", dragged.Iteration)
	}

	// Longer springs: the mean edge grows.
	before := meanEdge(g, pos)
	p := params()
	p.RestLength *= 3
	w.sys.Root.Send(w.pid, &protocol.UpdateSimulationParams{Params: protocol.FromParams(p)})
	w.until(physics.EventWoke, nil)
	w.until(physics.EventEquilibrium, nil)
	pos, _ = protocol.Unpack(nil, w.positions(w.pid).Positions)
	if after := meanEdge(g, pos); after < 1.2*before {
		t.Errorf("mean edge %.3g after tripling RestLength, was %.3g", after, before)
	}
	bad := params()
	bad.Theta = -1
	w.sys.Root.Send(w.pid, &protocol.UpdateSimulationParams{Params: protocol.FromParams(bad)})
	if e := w.until(physics.EventRejected, nil); e.Reason == "" {
		t.Error("rejected event without a reason")
	}
	w.reconcile()
}

func meanEdge(g kernel.Graph, pos []float32) float64 {
	n := g.Nodes
	var sum float64
	for i := 0; i < n; i++ {
		for _, j := range g.Col[g.RowPtr[i]:g.RowPtr[i+1]] {
			var d2 float64
			for c := 0; c < 3; c++ {
				d := float64(pos[c*n+i] - pos[c*n+int(j)])
				d2 += d * d
			}
			sum += math.Sqrt(d2)
		}
	}
	return sum / float64(len(g.Col))
}

// TestConfigErrors: a bad Config is an error naming the field.
func TestConfigErrors(t *testing.T) {
	w := newWorld(t, nil)
	bad := params()
	bad.Damping = 2
	plain, err := middleware.New(w.sys, protocol.Options(nil)...) // no WithOutcomesToActor
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	for name, c := range map[string]physics.Config{
		"Delivery": {},
		"built without middleware.WithOutcomesToActor": {Delivery: plain},
		"Backend":     {Delivery: w.d, Backend: "gpu"},
		"Params":      {Delivery: w.d, Params: bad},
		"Graph":       {Delivery: w.d, Graph: kernel.Graph{Nodes: 2, RowPtr: []int32{0, 1}}},
		"RateHz":      {Delivery: w.d, RateHz: -1},
		"ReheatAlpha": {Delivery: w.d, ReheatAlpha: 2},
	} {
		if _, err := physics.Spawn(w.sys.Root, c); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want an error naming it", name, err)
		}
	}
}

// TestRateWithSlowSubscriber: at RateHz the steps start an interval
// apart, never sooner, and a stuck subscriber does not slow the loop.
func TestRateWithSlowSubscriber(t *testing.T) {
	const steps, hz = 40, 200
	w := newWorld(t, nil)
	release := make(chan struct{})
	slow := w.sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*protocol.PositionsFrame); ok {
			<-release
		}
	}))
	defer func() { close(release); w.sys.Root.Stop(slow) }()
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: kerneltest.BAGraph(200, 2, 2),
		RateHz: hz, MaxIterations: steps})
	w.sys.Root.Send(w.pid, &physics.Subscribe{PID: slow})
	w.until(physics.EventReady, nil)
	start := time.Now()
	w.until(physics.EventLimit, nil)
	took := time.Since(start)
	interval := time.Second / hz
	if min := (steps - 2) * interval; took < min {
		t.Errorf("%d steps in %v: faster than %d Hz", steps, took, hz)
	}
	if max := 10 * steps * interval; took > max {
		t.Errorf("%d steps in %v: the loop fell far below %d Hz", steps, took, hz)
	}
	st := w.stats()
	if len(st.Subscribers) != 1 || st.Subscribers[0].Dropped == 0 {
		t.Errorf("stuck subscriber: %+v, want frames dropped", st.Subscribers)
	}
	t.Logf("%d steps at %d Hz in %v", steps, hz, took)
}

// TestRestoreAndDims: an app restores an earlier layout with its tick
// count while the loop runs, then switches to 2D, which starts a fresh
// layout; the counter stays exact through both.
func TestRestoreAndDims(t *testing.T) {
	g := kerneltest.BAGraph(300, 2, 9)
	w := newWorld(t, nil)
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true, MaxIterations: 30})
	w.until(physics.EventLimit, nil)
	saved := w.positions(w.pid)
	w.sys.Root.Send(w.pid, &protocol.Resume{}) // runs on
	ticks := uint64(30)
	w.sys.Root.Send(w.pid, &protocol.UpdateNodePositions{Positions: saved.Positions, Ticks: &ticks})
	w.sys.Root.Send(w.pid, &protocol.Pause{})
	st := w.stats()
	f := w.positions(st.ForceCompute)
	if st.Iteration < 30 || st.Iteration > 31 || f.Iteration < 30 || f.Iteration > 31 {
		t.Errorf("after the restore: orchestrator at %d, ForceCompute at %d; want 30 (or 31: one step)", st.Iteration, f.Iteration)
	}
	w.sys.Root.Send(w.pid, &protocol.Resume{Ticks: 5})
	w.until(physics.EventLimit, nil)
	if st := w.stats(); st.Skew != 0 {
		t.Errorf("skew %d after the restore", st.Skew)
	}

	p := params()
	p.Dims = 2
	w.sys.Root.Send(w.pid, &protocol.UpdateSimulationParams{Params: protocol.FromParams(p)})
	w.sys.Root.Send(w.pid, &protocol.Resume{}) // a fresh layout from tick 0, up to the limit of 35 again
	if e := w.until(physics.EventLimit, nil); e.Iteration != 35 {
		t.Errorf("2D layout paused at %d, want 35", e.Iteration)
	}
	w.sys.Root.Send(w.pid, &protocol.Resume{})
	w.until(physics.EventEquilibrium, nil)
	st = w.stats()
	f = w.positions(w.pid)
	if st.Skew != 0 || f.Dims != 2 || len(f.Positions) != 4*2*300 || st.Iteration != w.positions(st.ForceCompute).Iteration {
		t.Errorf("2D: skew %d, dims %d, %d bytes, iteration %d", st.Skew, f.Dims, len(f.Positions), st.Iteration)
	}
	w.reconcile()
}

// TestDragWhilePausedPublishes: a drag while the loop is paused reaches
// subscribers at once, in a frame with the node where it was dragged.
func TestDragWhilePausedPublishes(t *testing.T) {
	w := newWorld(t, nil)
	got := make(chan *protocol.PositionsFrame, 64)
	sub := w.sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if f, ok := ctx.Message().(*protocol.PositionsFrame); ok {
			ctx.Respond(&protocol.FrameAck{Subscription: f.Subscription})
			select {
			case got <- f:
			default:
			}
		}
	}))
	defer w.sys.Root.Stop(sub)
	const n = 200
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: kerneltest.BAGraph(n, 2, 6), Settle: true})
	w.sys.Root.Send(w.pid, &physics.Subscribe{PID: sub, Window: 64})
	select { // a first frame: the orchestrator holds a layout
	case <-got:
	case <-time.After(wait):
		t.Fatal("no frame")
	}
	w.sys.Root.Send(w.pid, &protocol.Pause{})
	_ = w.stats() // Pause is in: at most the step in flight completes
	_ = w.stats()
	for len(got) > 0 {
		<-got
	}
	w.sys.Root.Send(w.pid, &protocol.UpdateNodePositions{Nodes: []*protocol.NodePosition{{Node: 7, X: 321, Y: 0, Z: 0, Pin: true}}})
	deadline := time.After(wait)
	for {
		select {
		case f := <-got:
			if pos, _ := protocol.Unpack(nil, f.Positions); pos[7] == 321 {
				return
			}
		case <-deadline:
			t.Fatal("no frame with the dragged node while paused")
		}
	}
}

// TestReheat: at equilibrium, where alpha has cooled to its floor, a
// parameter change and a drag each set the tick count back to where alpha
// is ReheatAlpha, in the orchestrator and in ForceCompute's kernel, and
// the layout settles again from there. With reheating off the tick count
// only goes on.
func TestReheat(t *testing.T) {
	g := kerneltest.BAGraph(300, 2, 5)
	p := params()
	at := uint64(kernel.AlphaTick(p, physics.DefaultReheatAlpha))
	w := newWorld(t, nil)
	w.start(physics.Config{Backend: "cpu", Params: p, Graph: g, Settle: true})
	w.until(physics.EventEquilibrium, nil)
	if st := w.stats(); st.Iteration <= at || kernel.Alpha(p, int(st.Iteration)) >= physics.DefaultReheatAlpha {
		t.Fatalf("settled at tick %d, alpha %v: not cooled past the reheat tick %d", st.Iteration, kernel.Alpha(p, int(st.Iteration)), at)
	}
	for i, change := range []any{
		&protocol.UpdateSimulationParams{Params: protocol.FromParams(p)},
		&protocol.UpdateNodePositions{Nodes: []*protocol.NodePosition{{Node: 3, X: 40, Y: 40, Z: 40}}},
	} {
		// Paused first: a change wakes the loop, and however late a Pause
		// sent after it arrived, steps could run in between.
		w.sys.Root.Send(w.pid, &protocol.Pause{})
		w.sys.Root.Send(w.pid, change)
		st := w.stats()
		// The new tick count went to ForceCompute before the stats reply,
		// so it is in ForceCompute's mailbox before this request.
		fc := w.positions(st.ForceCompute)
		if st.Reheats != i+1 || st.Iteration != at || fc.Iteration != at {
			t.Errorf("%T: %d reheats, orchestrator at tick %d, ForceCompute at %d; want %d and tick %d",
				change, st.Reheats, st.Iteration, fc.Iteration, i+1, at)
		}
		w.sys.Root.Send(w.pid, &protocol.Resume{})
		e := w.until(physics.EventEquilibrium, nil)
		if e.Iteration <= at+1 {
			t.Errorf("%T: equilibrium again at tick %d, want after %d", change, e.Iteration, at+1)
		}
	}
	w.reconcile()

	off := newWorld(t, nil)
	off.start(physics.Config{Backend: "cpu", Params: p, Graph: g, Settle: true, ReheatAlpha: -1})
	off.until(physics.EventEquilibrium, nil)
	before := off.stats()
	off.sys.Root.Send(off.pid, &protocol.UpdateSimulationParams{Params: protocol.FromParams(p)})
	off.until(physics.EventEquilibrium, nil)
	if st := off.stats(); st.Reheats != 0 || st.Iteration <= before.Iteration {
		t.Errorf("reheating off: %d reheats, tick %d after %d", st.Reheats, st.Iteration, before.Iteration)
	}
	off.reconcile()
}
