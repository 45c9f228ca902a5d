package physics_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
)

// startRemote spawns a ForceCompute the orchestrator does not own, under
// a fixed name, as a node would (cmd/sim compute); stopping it and
// spawning it again under the name is a node restart on its address.
func startRemote(t *testing.T, w *world) *actor.PID {
	t.Helper()
	props, err := forcecompute.Props(forcecompute.Config{Delivery: w.d})
	if err != nil {
		t.Fatal(err)
	}
	pid, err := w.sys.Root.SpawnNamed(props, "node-fc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.sys.Root.StopFuture(pid).Wait() }) // before the world closes
	return pid
}

// TestRemoteRestart: Config.Remote is watched, not spawned. It stops at
// tick 60 and comes back under the same PID while the orchestrator
// recovers; the orchestrator restores graph, positions and tick count to
// it and runs to equilibrium on it, never spawning a child.
func TestRemoteRestart(t *testing.T) {
	g := kerneltest.BAGraph(faultNodes, 2, 11)
	w := newWorld(t, fast())
	fc := startRemote(t, w)
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true, MaxIterations: 60,
		Remote: fc, RemoteTimeout: time.Hour})
	w.until(physics.EventLimit, nil)
	held := w.positions(w.pid)
	if err := w.sys.Root.StopFuture(fc).Wait(); err != nil {
		t.Fatal(err)
	}
	w.until(physics.EventRecovering, nil)
	startRemote(t, w) // the node is back
	rec := w.until(physics.EventRecovered, nil)
	f := w.positions(fc)
	if rec.Iteration != 60 || f.Iteration != 60 || !slices.Equal(f.Positions, held.Positions) {
		t.Fatalf("recovered at %d; the new ForceCompute at tick %d, positions restored: %v",
			rec.Iteration, f.Iteration, slices.Equal(f.Positions, held.Positions))
	}
	w.sys.Root.Send(w.pid, &protocol.Resume{})
	st, _ := converged(t, w, g)
	if !st.ForceCompute.Equal(fc) || st.RemoteDown != 1 || st.RemoteLost || st.Events[physics.EventLocal] != 0 {
		t.Errorf("ForceCompute %v (remote %v), remote down %d, lost %v, local events %d",
			st.ForceCompute, fc, st.RemoteDown, st.RemoteLost, st.Events[physics.EventLocal])
	}
	if st.Iteration <= 60 {
		t.Errorf("iteration %d after resuming from 60", st.Iteration)
	}
}

// TestRemoteLost: Config.Remote stops for good. After RemoteTimeout the
// orchestrator spawns a local ForceCompute, says so, and completes the
// layout from where the remote one was.
func TestRemoteLost(t *testing.T) {
	g := kerneltest.BAGraph(faultNodes, 2, 12)
	w := newWorld(t, fast())
	fc := startRemote(t, w)
	w.start(physics.Config{Backend: "cpu", Params: params(), Graph: g, Settle: true, MaxIterations: 60,
		Remote: fc, RemoteTimeout: 300 * time.Millisecond})
	w.until(physics.EventLimit, nil)
	if err := w.sys.Root.StopFuture(fc).Wait(); err != nil {
		t.Fatal(err)
	}
	loc := w.until(physics.EventLocal, nil)
	if !strings.Contains(loc.Reason, "not recovered within 300ms") {
		t.Errorf("local event reason %q", loc.Reason)
	}
	if rec := w.until(physics.EventRecovered, nil); rec.Iteration != 60 {
		t.Errorf("recovered locally at tick %d, want 60", rec.Iteration)
	}
	w.sys.Root.Send(w.pid, &protocol.Resume{})
	st, _ := converged(t, w, g)
	if st.ForceCompute.Equal(fc) || !st.RemoteLost || st.Events[physics.EventLocal] != 1 || st.Recoveries < 1 {
		t.Errorf("ForceCompute %v (remote was %v), lost %v, local events %d, recoveries %d",
			st.ForceCompute, fc, st.RemoteLost, st.Events[physics.EventLocal], st.Recoveries)
	}
}
