package servetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/graphgen"
	"github.com/protoack/protoack/internal/serve"
	"github.com/protoack/protoack/internal/serve/servetest"
)

func newSim(t *testing.T, n int) *servetest.Sim {
	t.Helper()
	g, err := kernel.FromEdges(n, graphgen.BA(n, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	p := kernel.Defaults()
	p.Workers = 1
	s, err := servetest.New(g, p, servetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Pause returns once the loop has stopped: no tick follows it, while a
// change is still applied and published.
func TestPauseStopsTheLoop(t *testing.T) {
	s := newSim(t, 100)
	ctx := testCtx(t)
	frames, _, cancel := s.Subscribe(1024)
	defer cancel()
	if err := s.Wait(ctx, func(st serve.State) bool { return st.Iteration >= 3 }); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	ticks, it := s.Stats().Ticks, s.State().Iteration
	if !s.Parked() || !s.State().Paused {
		t.Fatal("Pause returned before the loop stopped")
	}
	if err := s.Pin(4, 1, 2, 3); err != nil {
		t.Fatal(err)
	}
	// The frame of the pin: same iteration, node 4 at the pin.
	for {
		f := <-frames
		if f.Iteration != it {
			continue
		}
		n := s.Graph().Nodes
		if got := s.Position(4); got != [3]float32{1, 2, 3} || len(f.Positions) != 4*3*n {
			continue // the last step's frame; the pin's comes next
		}
		break
	}
	if got := s.Stats().Ticks; got != ticks {
		t.Errorf("paused, yet %d ticks were stepped", got-ticks)
	}
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(ctx, func(st serve.State) bool { return st.Iteration > it+2 }); err != nil {
		t.Fatal(err)
	}
	if c := s.Calls(); c != (servetest.Calls{Pause: 1, Resume: 1, Pin: 1}) {
		t.Errorf("calls %+v", c)
	}
}

// Each step is a tracked message acked by the tracker Delivery reads.
func TestDeliveryCountsSteps(t *testing.T) {
	s := newSim(t, 50)
	ctx := testCtx(t)
	if err := s.Wait(ctx, func(st serve.State) bool { return st.Iteration >= 5 }); err != nil {
		t.Fatal(err)
	}
	s.Pause()
	row, ok := s.Delivery().Kind(servetest.KindStep)
	if !ok || row.Counts.Sent != s.Stats().Ticks || row.Counts.Acked() != row.Counts.Sent {
		t.Errorf("delivery row %+v (ok %v), ticks %d", row.Counts, ok, s.Stats().Ticks)
	}
}

// A subscriber that stops reading holds the loop (that is what it
// measures) until it cancels.
func TestCancelReleasesTheLoop(t *testing.T) {
	s := newSim(t, 50)
	ctx := testCtx(t)
	_, _, cancel := s.Subscribe(1)
	// The first frame fills the channel; the loop then waits with the
	// next one, and steps no further until cancel.
	if err := s.WaitStats(ctx, func(st servetest.Stats) bool { return st.PublishWaits >= 1 }); err != nil {
		t.Fatal(err)
	}
	it := s.State().Iteration
	cancel()
	if err := s.Wait(ctx, func(st serve.State) bool { return st.Iteration >= it+4 }); err != nil {
		t.Fatal(err)
	}
	if s.Subscribers() != 0 {
		t.Errorf("%d subscribers after cancel", s.Subscribers())
	}
}

func TestRejectsBadCalls(t *testing.T) {
	s := newSim(t, 20)
	if err := s.Pin(20, 0, 0, 0); err == nil {
		t.Error("Pin of node 20 of 20: no error")
	}
	if err := s.Unpin(-1); err == nil {
		t.Error("Unpin of node -1: no error")
	}
	p := s.State().Params
	p.Theta = 3
	if err := s.SetParams(p); err == nil {
		t.Error("SetParams with Theta 3: no error")
	}
}
