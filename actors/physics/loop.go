package physics

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/protocol"
)

// canStep reports whether the loop would send a step now.
func (o *orchestrator) canStep() bool {
	return o.phase == phaseRunning && !o.inflight && !o.paused && !o.asleep && o.graph != nil
}

// step sends the next ComputeForces, carrying the parameters when they
// changed since ForceCompute last had them. One step at most is in flight.
func (o *orchestrator) step(ctx actor.Context) {
	if !o.canStep() {
		return
	}
	o.seq++
	m := &protocol.ComputeForces{Seq: o.seq, Ticks: int32(o.cfg.TicksPerStep)}
	o.carriesV = o.sentV
	if o.paramsV != o.sentV {
		m.Params = protocol.FromParams(o.params)
		o.carriesV = o.paramsV
	}
	o.inflight, o.sentAt = true, time.Now()
	// The envelope's Sender is this actor, so StepCompleted comes back here.
	id, err := o.d.Send(ctx, o.fc, &actor.MessageEnvelope{Message: m, Sender: ctx.Self()})
	o.stepID = id
	if err != nil {
		o.inflight = false
		o.recover(ctx, "ComputeForces not sent: "+err.Error(), false)
	}
}

// onStep takes a completed step: the positions become the layout held,
// then equilibrium, frames and the next step.
func (o *orchestrator) onStep(ctx actor.Context, m *protocol.StepCompleted) {
	if !o.inflight || m.GetSeq() != o.seq || o.phase != phaseRunning {
		o.stats.Stale++ // from before a recovery
		return
	}
	if want := o.iteration + uint64(o.cfg.TicksPerStep); m.GetIteration() != want {
		o.stats.Skew++
		o.cfg.Logger.Error("physics: step iteration skew", "got", m.GetIteration(), "want", want)
	}
	o.inflight = false
	o.completed = m.GetSeq()
	o.attempts = 0
	o.iteration, o.ke, o.kernel = m.GetIteration(), m.GetKineticEnergy(), m.GetBackend()
	o.pos, o.dims = m.GetPositions(), int(m.GetDims())
	o.sentV = o.carriesV
	o.stats.Steps++
	o.stats.KernelTime += time.Duration(m.GetKernelNanos())
	o.stats.KernelTicks += uint64(o.cfg.TicksPerStep)
	o.checkEquilibrium(ctx, int(m.GetNodes()))
	if o.cfg.MaxIterations > 0 && o.iteration >= o.cfg.MaxIterations && !o.paused {
		o.paused = true
		o.event(ctx, EventLimit, "MaxIterations reached")
	}
	o.publish(ctx)
	o.schedule(ctx)
}

// checkEquilibrium counts calm ticks and falls asleep after CalmTicks.
func (o *orchestrator) checkEquilibrium(ctx actor.Context, nodes int) {
	if nodes > 0 && o.ke/float64(nodes) < o.cfg.EnergyPerNode {
		o.calm += o.cfg.TicksPerStep
	} else {
		o.calm = 0
	}
	if o.calm >= o.cfg.CalmTicks && !o.asleep {
		o.asleep = true
		o.event(ctx, EventEquilibrium, "kinetic energy per node below threshold")
	}
}

// wake leaves equilibrium after a change.
func (o *orchestrator) wake(ctx actor.Context, why string) {
	o.calm = 0
	if o.asleep {
		o.asleep = false
		o.event(ctx, EventWoke, why)
	}
	o.schedule(ctx)
}

// schedule sends the next step now (settle mode, or the interval has
// passed since the last one started) or arms the timer for it.
func (o *orchestrator) schedule(ctx actor.Context) {
	if !o.canStep() || o.timer != nil {
		return
	}
	wait := o.cfg.interval() - time.Since(o.sentAt)
	if o.cfg.Settle || wait <= 0 {
		o.step(ctx)
		return
	}
	o.tickGen++
	gen, self, root := o.tickGen, ctx.Self(), ctx.ActorSystem().Root
	o.timer = time.AfterFunc(wait, func() { root.Send(self, &tick{gen: gen}) })
}

func (o *orchestrator) stopTimer() {
	if o.timer != nil {
		o.timer.Stop()
		o.timer = nil
	}
	o.tickGen++
}

// onPositionsReply completes the step in flight from ForceCompute's
// answer to GetPositions, asked for when its StepCompleted was lost: the
// layout one step on is that step's result.
func (o *orchestrator) onPositionsReply(ctx actor.Context, f *protocol.PositionsFrame) {
	if !o.inflight || o.phase != phaseRunning || f.GetIteration() != o.iteration+uint64(o.cfg.TicksPerStep) {
		o.stats.Stale++
		return
	}
	o.onStep(ctx, &protocol.StepCompleted{Seq: o.seq, Iteration: f.GetIteration(), KineticEnergy: f.GetKineticEnergy(),
		Backend: f.GetBackend(), Nodes: f.GetNodes(), Dims: f.GetDims(), Positions: f.GetPositions()})
}
