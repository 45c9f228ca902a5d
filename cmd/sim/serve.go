package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/serve"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// serveFlag is -serve (the default address) or -serve=ADDR.
type serveFlag string

func (f *serveFlag) String() string { return string(*f) }

func (f *serveFlag) Set(v string) error {
	if v == "true" {
		v = serve.DefaultAddr
	}
	if v == "false" {
		v = ""
	}
	*f = serveFlag(v)
	return nil
}

func (f *serveFlag) IsBoolFlag() bool { return true }

// outcomeSink forwards outcomes to the live view's metrics once it runs.
type outcomeSink struct{ srv atomic.Pointer[serve.Server] }

func (o *outcomeSink) observe(x middleware.Outcome) {
	if s := o.srv.Load(); s != nil {
		s.ObserveOutcome(x.Outcome)
	}
}

// serveLive runs the live view until ctx is done (Ctrl-C), then prints
// the delivery summary. The loop keeps running at equilibrium: it sleeps
// and wakes on a change from the page.
func serveLive(ctx context.Context, o options, sim *liveSim, sink *outcomeSink, log *slog.Logger, stdout io.Writer) error {
	srv, err := serve.New(serve.Config{Sim: sim, Logger: log})
	if err != nil {
		return err
	}
	sink.srv.Store(srv)
	fmt.Fprintf(stdout, "sim: live view on http://%s (Ctrl-C stops)\n", string(o.serve))
	if err := srv.ListenAndServe(ctx, string(o.serve)); err != nil {
		return cli.Usagef("-serve %s: %v", string(o.serve), err)
	}
	// The books are final once the loop has stopped and what it had in
	// flight has its outcome.
	sim.system.Root.Send(sim.pid, &protocol.Pause{}) // the step in flight completes
	drain(sim.d, drainFor)
	_ = sim.d.Close() // before the stop, which so can add no dead letter
	_ = sim.system.Root.StopFuture(sim.pid).Wait()
	fmt.Fprint(stdout, sim.d.Tracker().Summary())
	return nil
}

// liveSim is serve.Simulation over a running orchestrator.
type liveSim struct {
	system *actor.ActorSystem
	pid    *actor.PID
	d      *middleware.Delivery
	graph  *kernel.Graph

	mu     sync.Mutex
	params kernel.Params
	paused bool
	last   []float32 // the newest frame's positions (structure of arrays)
	dims   int
}

var _ serve.Simulation = (*liveSim)(nil)

func (s *liveSim) Graph() *kernel.Graph { return s.graph }

func (s *liveSim) State() serve.State {
	st, err := stats(s.system, s.pid)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		return serve.State{Params: s.params, Paused: s.paused}
	}
	return serve.State{
		Iteration: st.Iteration, KineticEnergy: st.KineticEnergy, Settled: st.Asleep,
		Paused: st.Paused, Backend: st.Backend, Params: s.params, Recoveries: st.Recoveries,
	}
}

func (s *liveSim) SetParams(p kernel.Params) error {
	s.mu.Lock()
	s.params = p
	s.mu.Unlock()
	s.system.Root.Send(s.pid, &protocol.UpdateSimulationParams{Params: protocol.FromParams(p)})
	return nil
}

func (s *liveSim) Pause() error {
	s.mu.Lock()
	s.paused = true
	s.mu.Unlock()
	s.system.Root.Send(s.pid, &protocol.Pause{})
	return nil
}

func (s *liveSim) Resume() error {
	s.mu.Lock()
	s.paused = false
	s.mu.Unlock()
	s.system.Root.Send(s.pid, &protocol.Resume{})
	return nil
}

func (s *liveSim) Pin(id int, x, y, z float32) error {
	// Tracked to the orchestrator, which acks it once applied to the layout it holds.
	s.d.RootContext().Send(s.pid, &protocol.UpdateNodePositions{Nodes: []*protocol.NodePosition{
		{Node: int32(id), X: x, Y: y, Z: z, Pin: true}}})
	return nil
}

// Unpin frees node id where it is now (the newest frame's position).
func (s *liveSim) Unpin(id int) error {
	s.mu.Lock()
	var xyz [3]float32
	if n := s.graph.Nodes; len(s.last) >= s.dims*n && id < n {
		for d := 0; d < s.dims; d++ {
			xyz[d] = s.last[d*n+id]
		}
	} else {
		s.mu.Unlock()
		return errors.New("no layout yet")
	}
	s.mu.Unlock()
	s.d.RootContext().Send(s.pid, &protocol.UpdateNodePositions{Nodes: []*protocol.NodePosition{
		{Node: int32(id), X: xyz[0], Y: xyz[1], Z: xyz[2], Pin: false}}})
	return nil
}

func (s *liveSim) Delivery() messaging.Summary { return s.d.Tracker().Summary() }

// Subscribe spawns a subscriber actor that answers each frame and passes
// frames and events on without ever waiting: a full channel drops.
func (s *liveSim) Subscribe(buf int) (<-chan serve.Frame, <-chan serve.Event, func()) {
	frames, events := make(chan serve.Frame, buf), make(chan serve.Event, buf)
	var lastIter uint64
	var lastAt time.Time
	pid := s.system.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *actor.Started:
			// Every frame (the server caps viewers at 30 a second): a rate
			// limit here would lose the last frame before a sleep.
			ctx.Send(s.pid, &physics.Subscribe{PID: ctx.Self(), Window: 2})
		case *protocol.PositionsFrame:
			ctx.Respond(&protocol.FrameAck{Subscription: m.GetSubscription()})
			now := time.Now()
			var per time.Duration
			if gap := now.Sub(lastAt); m.GetIteration() > lastIter && !lastAt.IsZero() && gap < time.Second {
				per = gap / time.Duration(m.GetIteration()-lastIter) // not across a pause or a sleep
			}
			lastIter, lastAt = m.GetIteration(), now
			if pos, err := protocol.Unpack(nil, m.GetPositions()); err == nil {
				s.mu.Lock()
				s.last, s.dims = pos, int(m.GetDims())
				s.mu.Unlock()
			}
			select {
			case frames <- serve.Frame{Iteration: m.GetIteration(), Dims: int(m.GetDims()), Positions: m.GetPositions(), TickDuration: per}:
			default:
			}
		case *protocol.Event:
			select {
			case events <- serve.Event{Kind: m.GetKind(), Reason: m.GetReason(), Iteration: m.GetIteration()}:
			default:
			}
		}
	}))
	var once sync.Once
	return frames, events, func() {
		once.Do(func() {
			s.system.Root.Send(s.pid, &physics.Unsubscribe{PID: pid})
			_ = s.system.Root.StopFuture(pid).Wait()
		})
	}
}
