package servetest

import (
	"context"
	"fmt"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/serve"
	"github.com/protoack/protoack/messaging"
)

var _ serve.Simulation = (*Sim)(nil)

// Graph is the graph laid out.
func (s *Sim) Graph() *kernel.Graph { return &s.g }

// State is a snapshot of the loop.
func (s *Sim) State() serve.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return serve.State{Iteration: s.iteration, KineticEnergy: s.ke, Settled: s.settled, Paused: s.paused,
		Backend: s.k.Name(), Params: s.params}
}

// SetParams validates p and has the loop apply it before its next step.
func (s *Sim) SetParams(p kernel.Params) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls.SetParams++
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Dims != s.params.Dims {
		return fmt.Errorf("servetest: Dims cannot change (%d -> %d)", s.params.Dims, p.Dims)
	}
	s.params, s.newParams = p, true
	s.cond.Broadcast()
	return nil
}

// Pause stops the loop and returns once the step in flight is done.
func (s *Sim) Pause() error {
	s.mu.Lock()
	s.calls.Pause++
	was := s.paused
	s.paused = true
	for !s.parked && !s.closed {
		s.cond.Wait()
	}
	s.mu.Unlock()
	if !was {
		s.event("paused", "")
	}
	return nil
}

// Resume restarts the loop.
func (s *Sim) Resume() error {
	s.mu.Lock()
	s.calls.Resume++
	was := s.paused
	s.paused = false
	s.cond.Broadcast()
	s.mu.Unlock()
	if was {
		s.event("resumed", "")
	}
	return nil
}

// Pin fixes node id at (x, y, z) from the next step on (at once when
// paused).
func (s *Sim) Pin(id int, x, y, z float32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls.Pin++
	if id < 0 || id >= s.g.Nodes {
		return fmt.Errorf("servetest: Pin: node %d out of range [0,%d)", id, s.g.Nodes)
	}
	s.pins[int32(id)] = kernel.Pin{Node: int32(id), X: x, Y: y, Z: z}
	s.newPins = true
	s.cond.Broadcast()
	return nil
}

// Unpin releases node id.
func (s *Sim) Unpin(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls.Unpin++
	if id < 0 || id >= s.g.Nodes {
		return fmt.Errorf("servetest: Unpin: node %d out of range [0,%d)", id, s.g.Nodes)
	}
	delete(s.pins, int32(id))
	s.newPins = true
	s.cond.Broadcast()
	return nil
}

// Subscribe delivers every frame (the loop waits while frames is full)
// and the events (dropped when events is full) until cancel.
func (s *Sim) Subscribe(buf int) (<-chan serve.Frame, <-chan serve.Event, func()) {
	x := &sub{frames: make(chan serve.Frame, max(buf, 1)), events: make(chan serve.Event, max(buf, 1)),
		done: make(chan struct{})}
	s.mu.Lock()
	s.subs[x] = struct{}{}
	s.mu.Unlock()
	return x.frames, x.events, func() {
		x.once.Do(func() {
			s.mu.Lock()
			delete(s.subs, x)
			s.mu.Unlock()
			close(x.done)
		})
	}
}

// Delivery is the summary of the tracker that counts the steps.
func (s *Sim) Delivery() messaging.Summary { return s.tr.Summary() }

// Calls returns the calls counted so far.
func (s *Sim) Calls() Calls {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Stats returns the loop's measurements so far.
func (s *Sim) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Subscribers is the number of subscriptions not cancelled.
func (s *Sim) Subscribers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}

// Pins returns the pins in force.
func (s *Sim) Pins() map[int]kernel.Pin {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[int]kernel.Pin, len(s.pins))
	for id, p := range s.pins {
		m[int(id)] = p
	}
	return m
}

// Position returns node id's coordinates in the latest frame.
func (s *Sim) Position(id int) [3]float32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var v [3]float32
	n := s.g.Nodes
	for d := 0; d < s.params.Dims; d++ {
		v[d] = unpack(s.pos, d*n+id)
	}
	return v
}

// Wait returns when ok holds, or with ctx's error. It checks ok now,
// after every frame the loop publishes, when the loop parks and when it
// waits on a subscriber.
func (s *Sim) Wait(ctx context.Context, ok func(serve.State) bool) error {
	return s.wait(ctx, func() bool { return ok(s.State()) }, func() string { return fmt.Sprintf("state %+v", s.State()) })
}

// WaitStats is Wait on the loop's Stats.
func (s *Sim) WaitStats(ctx context.Context, ok func(Stats) bool) error {
	return s.wait(ctx, func() bool { return ok(s.Stats()) }, func() string { return fmt.Sprintf("stats %+v", s.Stats()) })
}

func (s *Sim) wait(ctx context.Context, ok func() bool, what func() string) error {
	for {
		s.mu.Lock()
		c := s.tickc
		s.mu.Unlock()
		if ok() {
			return nil
		}
		select {
		case <-c:
		case <-ctx.Done():
			return fmt.Errorf("servetest: waiting for the simulation: %w (%s)", ctx.Err(), what())
		}
	}
}

// Parked reports whether the loop is paused and has finished its last
// step.
func (s *Sim) Parked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.parked
}
