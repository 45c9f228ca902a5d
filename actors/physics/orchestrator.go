package physics

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// phase is where the orchestrator is.
type phase uint8

const (
	phaseIdle    phase = iota // no graph yet
	phaseSetup                // sending the setup messages one by one
	phaseRunning              // stepping (unless paused or asleep)
	phaseFailed               // recovery gave up
)

// orchestrator is the PhysicsOrchestrator actor. All state is owned by
// its goroutine; timers only send it messages.
type orchestrator struct {
	cfg Config
	d   *middleware.Delivery
	fc  *actor.PID

	remote    bool      // fc is Config.Remote
	downSince time.Time // when the recovery in progress began (remote)

	backend string        // requested backend; "cpu" after a fallback
	params  kernel.Params // current parameters
	paramsV uint64        // bumped on every change
	sentV   uint64        // the version ForceCompute has (sent and acked)
	graph   *protocol.UpdateGPUGraphData
	cons    kernel.Constraints

	// The layout the orchestrator holds: ForceCompute's positions after
	// the last completed step (packed), and their tick count.
	pos       []byte
	dims      int
	iteration uint64
	ke        float64
	kernel    string

	phase      phase
	setup      []any // messages still to send, in order
	awaiting   any   // the setup message whose outcome is awaited
	recovering bool  // the setup is a recovery
	attempts   int   // consecutive recoveries without a completed step
	gen        uint64

	seq       uint64 // of the last ComputeForces sent
	inflight  bool
	stepID    messaging.ID // of the step in flight
	carriesV  uint64       // params version carried by the step in flight
	sentAt    time.Time
	completed uint64 // highest seq completed
	timer     *time.Timer
	tickGen   uint64

	paused, asleep bool
	calm           int

	stopping   bool
	stopStart  func() // cancels the multilevel start in progress
	wantStart  bool   // a fresh layout waits for its multilevel start
	afterStart []any  // changes that came before it, sent after it

	subs   map[string]*subscriber
	nextID uint64
	stats  Stats
}

func newOrchestrator(c Config) *orchestrator {
	o := &orchestrator{cfg: c, d: c.Delivery, backend: c.Backend, params: c.Params,
		subs: make(map[string]*subscriber)}
	o.stats.Events = make(map[string]int)
	o.stats.Outcomes = make(map[string]int)
	if c.Graph.Nodes > 0 || c.Graph.RowPtr != nil {
		o.graph = protocol.FromGraph(c.Graph)
		o.cons = c.Constraints
	}
	return o
}

// Receive dispatches one message.
func (o *orchestrator) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		o.attach(ctx)
		o.freshLayout(ctx)
	case *startDone:
		o.onStartDone(ctx, m)
	case *remoteDeadline:
		o.onRemoteDeadline(ctx, m)
	case *middleware.Outcome:
		o.onOutcome(ctx, m)
	case *protocol.StepCompleted:
		o.onStep(ctx, m)
	case *tick:
		if m.gen == o.tickGen {
			o.timer = nil
			o.step(ctx)
		}
	case *retry:
		if m.gen == o.gen && o.phase == phaseSetup && o.awaiting == nil {
			o.timer = nil
			o.sendSetup(ctx)
		}
	case *actor.Terminated:
		o.onTerminated(ctx, m.Who)
	case *protocol.PositionsFrame:
		o.onPositionsReply(ctx, m)
	case *protocol.FrameAck:
		o.onFrameAck(m)
	case *Subscribe:
		o.subscribe(ctx, m)
	case *Unsubscribe:
		o.unsubscribe(ctx, m.PID)
	case *GetStats:
		ctx.Respond(o.snapshot())
	case *protocol.GetPositions:
		ctx.Respond(o.frame(0, 0))
	case *protocol.Pause:
		o.paused = true
	case *protocol.Resume:
		o.resume(ctx, m)
	case *protocol.UpdateSimulationParams:
		o.updateParams(ctx, m)
	case *protocol.UpdateGPUGraphData:
		o.updateGraph(ctx, m)
	case *protocol.UploadConstraintsToGPU:
		o.updateConstraints(ctx, m)
	case *protocol.UpdateNodePositions:
		o.drag(ctx, m)
	case *actor.Stopping, *actor.Restarting:
		o.stopping = true // children stopping now are not respawned
		o.stopTimer()
		o.cancelStart()
	}
}

// event records an event, tells subscribers and Config.OnEvent.
func (o *orchestrator) event(ctx actor.Context, kind, reason string) {
	e := &protocol.Event{Kind: kind, Reason: reason, Iteration: o.iteration, Backend: o.kernel}
	o.stats.Events[kind]++
	o.cfg.Logger.Info("physics: "+kind, "reason", reason, "iteration", o.iteration)
	for _, s := range o.subs {
		ctx.Send(s.pid, e)
	}
	if o.cfg.OnEvent != nil {
		o.cfg.OnEvent(e)
	}
}

// snapshot returns a copy of the counters.
func (o *orchestrator) snapshot() *Stats {
	s := o.stats
	s.Iteration, s.KineticEnergy, s.Backend = o.iteration, o.ke, o.kernel
	s.Paused, s.Asleep, s.Running = o.paused, o.asleep, o.canStep()
	s.ForceCompute = o.fc
	s.Events = make(map[string]int, len(o.stats.Events))
	for k, v := range o.stats.Events {
		s.Events[k] = v
	}
	s.Outcomes = make(map[string]int, len(o.stats.Outcomes))
	for k, v := range o.stats.Outcomes {
		s.Outcomes[k] = v
	}
	for _, sub := range o.subs {
		s.Subscribers = append(s.Subscribers, SubscriberStats{PID: sub.pid, Sent: sub.sent, Dropped: sub.dropped, Unanswered: sub.unanswered})
	}
	return &s
}
