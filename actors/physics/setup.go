package physics

import (
	"fmt"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// startSetup (re)builds ForceCompute's state: InitializeGPU (when
// withInit), then graph, constraints, and the layout held with its tick
// count, one message at a time, each sent after the previous one's
// outcome. delay postpones the first send (recovery backoff).
func (o *orchestrator) startSetup(ctx actor.Context, withInit bool, delay time.Duration) {
	o.runSetup(ctx, o.setupMessages(withInit), delay)
}

// runSetup sends msgs to ForceCompute one at a time, each after the
// previous one's outcome, then resumes the loop. A step in flight is
// dropped: ForceCompute may still take it before msgs, whose effect then
// wins, and its StepCompleted is ignored as stale.
func (o *orchestrator) runSetup(ctx actor.Context, msgs []any, delay time.Duration) {
	o.gen++
	o.stopTimer()
	o.cancelStart()
	o.inflight, o.awaiting = false, nil
	o.setup = msgs
	o.phase = phaseSetup
	if delay <= 0 {
		o.sendSetup(ctx)
		return
	}
	gen, self, root := o.gen, ctx.Self(), ctx.ActorSystem().Root
	o.timer = time.AfterFunc(delay, func() { root.Send(self, &retry{gen: gen}) })
}

func (o *orchestrator) setupMessages(withInit bool) []any {
	var s []any
	if withInit {
		b, _ := protocol.ParseBackend(o.backend)
		s = append(s, &protocol.InitializeGPU{Backend: b, Params: protocol.FromParams(o.params)})
		o.carriesV = o.paramsV
	}
	if o.graph == nil {
		return s
	}
	g := o.graph
	s = append(s, &protocol.UpdateGPUGraphData{Nodes: g.Nodes, RowPtr: g.RowPtr, Col: g.Col, Weight: g.Weight,
		EdgeA: g.EdgeA, EdgeB: g.EdgeB, EdgeWeight: g.EdgeWeight})
	if len(o.cons.Pins)+len(o.cons.Distances) > 0 {
		s = append(s, protocol.FromConstraints(o.cons))
	}
	if o.pos != nil {
		it := o.iteration
		s = append(s, &protocol.UpdateNodePositions{Positions: o.pos, Ticks: &it})
	}
	return s
}

// sendSetup sends the next setup message, or ends the setup.
func (o *orchestrator) sendSetup(ctx actor.Context) {
	if len(o.setup) == 0 {
		o.setupDone(ctx)
		return
	}
	m := o.setup[0]
	o.setup = o.setup[1:]
	o.awaiting = m
	if _, err := o.d.Send(ctx, o.fc, m); err != nil {
		o.awaiting = nil
		o.recover(ctx, fmt.Sprintf("%T not sent: %v", m, err), false)
	}
}

func (o *orchestrator) setupDone(ctx actor.Context) {
	if o.beginStart(ctx) {
		return // the setup goes on when the start is computed
	}
	o.phase = phaseRunning
	if o.graph == nil {
		o.phase = phaseIdle
	}
	switch {
	case o.recovering:
		o.recovering = false
		o.rewatch(ctx)
		o.event(ctx, EventRecovered, fmt.Sprintf("layout restored at iteration %d", o.iteration))
	case o.phase == phaseRunning && o.stats.Events[EventReady] == 0:
		o.event(ctx, EventReady, "graph uploaded")
	}
	o.schedule(ctx)
}

// onOutcome handles the end of a tracked message the orchestrator sent.
func (o *orchestrator) onOutcome(ctx actor.Context, m *middleware.Outcome) {
	o.stats.Outcomes[m.Result.String()]++
	if m.Result == messaging.ResultAbandoned {
		return // the Delivery is closing
	}
	if o.awaiting != nil && m.Message == o.awaiting {
		o.awaiting = nil
		o.onSetupOutcome(ctx, m)
		return
	}
	switch msg := m.Message.(type) {
	case *protocol.ComputeForces:
		if m.Result.Delivered() {
			if o.inflight && msg.GetSeq() == o.seq {
				// Acked without its StepCompleted, which comes first
				// when it comes at all: it was lost. The positions
				// ForceCompute holds complete the step instead.
				o.stats.LostReplies++
				ctx.Request(o.fc, &protocol.GetPositions{})
			}
			return
		}
		if !o.inflight || msg.GetSeq() != o.seq {
			o.stats.LateFailures++ // a step completed, or from before a recovery
			return
		}
		o.inflight = false
		o.recover(ctx, describe(m), restarted(m))
	case *protocol.UpdateNodePositions, *protocol.UploadConstraintsToGPU:
		switch {
		case m.Result == messaging.ResultPartialSuccess:
			o.event(ctx, EventPartial, describe(m))
		case !m.Result.Delivered() && o.phase == phaseRunning:
			o.recover(ctx, describe(m), restarted(m))
		}
	}
}

func (o *orchestrator) onSetupOutcome(ctx actor.Context, m *middleware.Outcome) {
	if m.Result.Delivered() {
		if m.Result == messaging.ResultPartialSuccess {
			o.event(ctx, EventPartial, describe(m))
		}
		if _, ok := m.Message.(*protocol.InitializeGPU); ok {
			o.sentV = o.carriesV
			o.kernel = m.Ack.Metadata[protocol.MetaBackend]
		}
		o.sendSetup(ctx)
		return
	}
	if _, ok := m.Message.(*protocol.InitializeGPU); ok && o.backend == "cuda" &&
		m.Ack.Metadata[protocol.MetaCause] == protocol.CauseCUDAUnavailable {
		o.backend = "cpu"
		o.stats.Fallbacks++
		o.event(ctx, EventFallback, describe(m)+"; using the CPU kernel")
		o.startSetup(ctx, true, 0)
		return
	}
	o.recover(ctx, describe(m), restarted(m))
}

// recover re-initialises ForceCompute and restores the layout held, after
// a backoff when recoveries follow each other without a completed step.
func (o *orchestrator) recover(ctx actor.Context, reason string, restart bool) {
	if restart {
		o.stats.Restarts++
	}
	if o.attempts == 0 {
		o.downSince = time.Now()
		o.armRemoteDeadline(ctx)
	}
	o.attempts++
	if o.attempts > o.cfg.MaxRecoveries && !o.remoteTimed() {
		o.stopTimer()
		o.phase, o.inflight, o.awaiting = phaseFailed, false, nil
		o.event(ctx, EventFailed, fmt.Sprintf("%d recoveries without a step; last: %s", o.attempts-1, reason))
		return
	}
	o.stats.Recoveries++
	o.recovering = true
	o.event(ctx, EventRecovering, reason)
	o.startSetup(ctx, true, backoff(o.attempts))
}

// backoff is the delay before recovery attempt n: none for the first,
// then 10 ms doubling up to 1 s.
func backoff(n int) time.Duration {
	if n <= 1 {
		return 0
	}
	return min(10*time.Millisecond<<min(n-2, 10), time.Second)
}

// onTerminated respawns a stopped ForceCompute and recovers, or drops a
// stopped subscriber.
func (o *orchestrator) onTerminated(ctx actor.Context, who *actor.PID) {
	if who.Equal(o.fc) {
		if o.stopping {
			return
		}
		if o.remote {
			o.onRemoteTerminated(ctx)
			return
		}
		o.fc = ctx.Spawn(o.cfg.ForceCompute)
		o.inflight = false
		o.recover(ctx, "ForceCompute stopped; spawned again", true)
		return
	}
	o.unsubscribe(ctx, who)
}

// describe is an outcome in words: kind, result, attempts and why.
func describe(m *middleware.Outcome) string {
	why := m.Ack.Reason
	if why == "" && m.Err != nil {
		why = m.Err.Error()
	}
	return fmt.Sprintf("%s %v after %d attempt(s): %s", m.Kind, m.Result, m.Attempts, why)
}

// restarted reports whether a failed outcome shows ForceCompute lost its
// state: a panic, or no kernel or graph.
func restarted(m *middleware.Outcome) bool {
	if m.Result != messaging.ResultFailed {
		return false
	}
	c := m.Ack.Metadata[protocol.MetaCause]
	return c == protocol.CauseNoGraph || c == protocol.CauseNoKernel || strings.HasPrefix(m.Ack.Reason, "panic")
}
