package servetest

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/protoack/protoack/actors/forcecompute"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/serve"
	"github.com/protoack/protoack/messaging"
)

// KindStep is the kind each step is tracked as.
const KindStep messaging.Kind = "ComputeForces"

// Options configure a Sim.
type Options struct {
	Backend string  // forcecompute.Open's backend; default "cpu"
	MaxHz   float64 // ticks a second at most; 0 steps as fast as it can
	// SettleKE is the kinetic energy per node below which the layout is
	// settled (default 1e-3). The loop keeps stepping when settled.
	SettleKE float64
	// OnOutcome, if set, is told of every tracked step's end (e.g.
	// serve.Server.ObserveOutcome).
	OnOutcome func(messaging.Outcome)
}

// Calls counts the calls a Sim got that change it.
type Calls struct{ SetParams, Pause, Resume, Pin, Unpin int }

// Stats measure the loop.
type Stats struct {
	Ticks        uint64        // ticks stepped
	StepTime     time.Duration // spent in Kernel.Step and Positions
	PublishWait  time.Duration // spent waiting for a subscriber to take a frame
	PublishWaits uint64        // frames that found a subscriber's channel full
	EventsLost   uint64        // events dropped on a full channel
	Frames       uint64        // frames published
	Applied      uint64        // parameter or pin changes the loop handed to the kernel
}

// Sim is a serve.Simulation. Its loop hands each frame to every
// subscriber and waits when a subscriber's channel is full, so a consumer
// that stalls shows up as PublishWait: the worst case for a server.
type Sim struct {
	g     kernel.Graph
	dims  int
	k     kernel.Kernel // owned by the loop goroutine
	tr    *messaging.Tracker
	opt   Options
	stop  chan struct{}
	done  chan struct{}
	close sync.Once

	mu        sync.Mutex
	cond      *sync.Cond // wakes a paused loop: a change, Resume or Close
	params    kernel.Params
	newParams bool
	pins      map[int32]kernel.Pin
	newPins   bool
	paused    bool
	parked    bool // the loop waits, paused
	closed    bool
	iteration uint64
	ke        float64
	settled   bool
	pos       []byte
	calls     Calls
	stats     Stats
	subs      map[*sub]struct{}
	tickc     chan struct{} // closed and replaced after every frame, when the loop parks and when it waits on a subscriber
}

type sub struct {
	frames chan serve.Frame
	events chan serve.Event
	done   chan struct{}
	once   sync.Once
}

// New uploads g to a kernel with parameters p and starts stepping it.
// Close stops it.
func New(g kernel.Graph, p kernel.Params, opt Options) (*Sim, error) {
	if opt.Backend == "" {
		opt.Backend = forcecompute.BackendCPU
	}
	if opt.SettleKE <= 0 {
		opt.SettleKE = 1e-3
	}
	k, err := forcecompute.Open(opt.Backend, p, nil)
	if err != nil {
		return nil, err
	}
	if err := k.Upload(g); err != nil {
		k.Close()
		return nil, err
	}
	var topts []messaging.Option
	if opt.OnOutcome != nil {
		topts = append(topts, messaging.WithOutcome(opt.OnOutcome))
	}
	tr, err := messaging.NewTracker(topts...)
	if err != nil {
		k.Close()
		return nil, err
	}
	s := &Sim{g: g, dims: p.Dims, k: k, tr: tr, opt: opt, stop: make(chan struct{}), done: make(chan struct{}),
		params: p, pins: map[int32]kernel.Pin{}, subs: map[*sub]struct{}{}, tickc: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	s.pos = s.positions()
	go s.loop()
	s.event("ready", "")
	return s, nil
}

// Close stops the loop and releases the kernel and the tracker.
func (s *Sim) Close() error {
	s.close.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.cond.Broadcast()
		s.mu.Unlock()
		close(s.stop)
		<-s.done
	})
	return errors.Join(s.k.Close(), s.tr.Close())
}

func (s *Sim) loop() {
	defer close(s.done)
	var next time.Time
	for {
		s.mu.Lock()
		for s.paused && !s.closed && !s.newParams && !s.newPins {
			if !s.parked {
				s.parked = true
				s.cond.Broadcast()
				s.notifyLocked()
			}
			s.cond.Wait()
		}
		s.parked = false
		if s.closed {
			s.mu.Unlock()
			return
		}
		changed, err := s.applyLocked()
		if changed {
			s.stats.Applied++
		}
		paused := s.paused
		s.mu.Unlock()
		if err != nil {
			s.event("rejected", err.Error())
		}
		if paused {
			if changed {
				s.publish(s.positions(), 0)
			}
			continue
		}
		if s.opt.MaxHz > 0 {
			if wait := time.Until(next); wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
				case <-s.stop:
					t.Stop()
					return
				}
			}
			next = time.Now().Add(time.Duration(float64(time.Second) / s.opt.MaxHz))
		}
		if !s.step() {
			return
		}
	}
}

// applyLocked hands pending parameters and pins to the kernel.
func (s *Sim) applyLocked() (changed bool, err error) {
	if s.newParams {
		s.newParams, changed = false, true
		err = s.k.SetParams(s.params)
	}
	if s.newPins {
		s.newPins, changed = false, true
		c := kernel.Constraints{Pins: make([]kernel.Pin, 0, len(s.pins))}
		for _, p := range s.pins {
			c.Pins = append(c.Pins, p)
		}
		err = errors.Join(err, s.k.SetConstraints(c))
	}
	return changed, err
}

// step advances one tick as a tracked message and publishes the frame.
func (s *Sim) step() bool {
	id, err := s.tr.Track(messaging.Message{Kind: KindStep})
	if err != nil {
		return false // the tracker is closed
	}
	t0 := time.Now()
	err = s.k.Step(1)
	var pos []byte
	if err == nil {
		pos = s.positions()
	}
	dt := time.Since(t0)
	if err != nil {
		s.tr.Acknowledge(messaging.Failed(id, err))
		s.event("failed", err.Error())
		return false
	}
	s.tr.Acknowledge(messaging.Success(id))
	ke := s.k.KineticEnergy()
	settled := ke/float64(max(s.g.Nodes, 1)) < s.opt.SettleKE
	s.mu.Lock()
	s.stats.Ticks++
	s.stats.StepTime += dt
	s.iteration = uint64(s.k.Ticks())
	was := s.settled
	s.ke, s.settled = ke, settled
	s.mu.Unlock()
	if settled && !was {
		s.event("equilibrium", fmt.Sprintf("kinetic energy %.3g", ke))
	} else if !settled && was {
		s.event("woke", "")
	}
	s.publish(pos, dt)
	return true
}

// positions packs the kernel's positions as serve.Frame wants them.
func (s *Sim) positions() []byte {
	buf := make([]float32, s.dims*s.g.Nodes)
	s.k.Positions(buf)
	return pack(buf)
}

// publish stores pos as the latest layout and hands it to every
// subscriber, waiting while a subscriber's channel is full.
func (s *Sim) publish(pos []byte, tick time.Duration) {
	s.mu.Lock()
	s.pos = pos
	s.stats.Frames++
	f := serve.Frame{Iteration: s.iteration, Dims: s.params.Dims, Positions: pos, TickDuration: tick}
	subs := make([]*sub, 0, len(s.subs))
	for x := range s.subs {
		subs = append(subs, x)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, x := range subs {
		select {
		case x.frames <- f:
			continue
		default:
		}
		s.mu.Lock()
		s.stats.PublishWaits++
		s.notifyLocked() // WaitStats sees the loop held
		s.mu.Unlock()
		t0 := time.Now()
		select {
		case x.frames <- f:
		case <-x.done:
		case <-s.stop:
		}
		s.mu.Lock()
		s.stats.PublishWait += time.Since(t0)
		s.mu.Unlock()
	}
}

// notifyLocked wakes Wait.
func (s *Sim) notifyLocked() {
	close(s.tickc)
	s.tickc = make(chan struct{})
}

func (s *Sim) event(kind, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := serve.Event{Kind: kind, Reason: reason, Iteration: s.iteration}
	for x := range s.subs {
		select {
		case x.events <- e:
		default:
			s.stats.EventsLost++
		}
	}
}
