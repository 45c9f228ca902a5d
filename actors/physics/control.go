package physics

import (
	"fmt"
	"math"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/protocol"
)

// resume restarts a paused loop, also past MaxIterations (the limit is
// then lifted, or set ticks ahead); after EventFailed it starts
// recovering again.
func (o *orchestrator) resume(ctx actor.Context, m *protocol.Resume) {
	o.paused = false
	if o.cfg.MaxIterations > 0 && o.iteration >= o.cfg.MaxIterations {
		o.cfg.MaxIterations = 0
	}
	if t := m.GetTicks(); t > 0 {
		o.cfg.MaxIterations = o.iteration + t
	}
	if o.phase == phaseFailed {
		o.attempts = 0
		o.recover(ctx, "resumed after giving up", false)
		return
	}
	o.wake(ctx, "resumed")
}

// updateParams applies new parameters (sent with the next step), rate
// and mode. A change of Dims re-places every node, as the kernels do.
func (o *orchestrator) updateParams(ctx actor.Context, m *protocol.UpdateSimulationParams) {
	if m.GetParams() != nil {
		p := m.GetParams().Kernel()
		if err := p.Validate(); err != nil {
			o.event(ctx, EventRejected, "UpdateSimulationParams: "+err.Error())
			return
		}
		redo := p.Dims != o.params.Dims
		o.params = p
		o.paramsV++
		switch {
		case redo && o.graph != nil:
			// The kernels re-place every node and restart the tick
			// count on a change of Dims: start the layout afresh.
			o.freshLayout(ctx)
		case o.graph != nil:
			if t := o.reheat(); t != nil {
				o.restore(ctx, &protocol.UpdateNodePositions{Ticks: t})
			}
		}
	}
	if r := m.GetRateHz(); r > 0 && !math.IsInf(r, 0) {
		o.cfg.RateHz = r
	}
	if m.Settle != nil {
		o.cfg.Settle = m.GetSettle()
	}
	o.wake(ctx, "parameters changed")
}

// updateGraph replaces the graph and starts a fresh layout of it.
func (o *orchestrator) updateGraph(ctx actor.Context, m *protocol.UpdateGPUGraphData) {
	g, err := m.Graph()
	if err != nil {
		o.event(ctx, EventRejected, "UpdateGPUGraphData: "+err.Error())
		return
	}
	o.graph = protocol.FromGraph(g)
	o.cons = kernel.Constraints{}
	o.calm, o.asleep, o.attempts, o.recovering = 0, false, 0, false
	o.freshLayout(ctx)
}

// nodes is the node count of the graph held.
func (o *orchestrator) nodes() int {
	if o.graph == nil {
		return 0
	}
	return int(o.graph.GetNodes())
}

// updateConstraints keeps the valid constraints for recoveries and sends
// all of them on (ForceCompute names the rejected ones).
func (o *orchestrator) updateConstraints(ctx actor.Context, m *protocol.UploadConstraintsToGPU) {
	all := m.Constraints()
	var ok kernel.Constraints
	for _, p := range all.Pins {
		if (kernel.Constraints{Pins: []kernel.Pin{p}}).Validate(o.nodes()) == nil {
			ok.Pins = append(ok.Pins, p)
		}
	}
	for _, d := range all.Distances {
		if (kernel.Constraints{Distances: []kernel.Distance{d}}).Validate(o.nodes()) == nil {
			ok.Distances = append(ok.Distances, d)
		}
	}
	o.cons = ok
	o.forward(ctx, protocol.FromConstraints(all))
	o.wake(ctx, "constraints changed")
}

// drag applies a position update to the layout held and sends it on.
func (o *orchestrator) drag(ctx actor.Context, m *protocol.UpdateNodePositions) {
	n := o.nodes()
	if b := m.GetPositions(); len(b) > 0 {
		if o.dims == 0 || len(b) != 4*o.dims*n {
			o.event(ctx, EventRejected, fmt.Sprintf("UpdateNodePositions: %d bytes, want 4*Dims*nodes=%d", len(b), 4*o.params.Dims*n))
			return
		}
		o.pos = b
	}
	if m.Ticks != nil {
		o.iteration = m.GetTicks()
	}
	if len(m.GetNodes()) > 0 && o.pos != nil {
		pos, _ := protocol.Unpack(nil, o.pos) // a copy: o.pos may be in frames already sent
		for _, np := range m.GetNodes() {
			i := int(np.GetNode())
			if i < 0 || i >= n {
				continue // ForceCompute names it in a PartialSuccess
			}
			xyz := [3]float32{np.GetX(), np.GetY(), np.GetZ()}
			for d := 0; d < o.dims; d++ {
				pos[d*n+i] = xyz[d]
			}
			pins := o.cons.Pins[:0:0]
			for _, p := range o.cons.Pins {
				if int(p.Node) != i {
					pins = append(pins, p)
				}
			}
			if np.GetPin() {
				pins = append(pins, kernel.Pin{Node: int32(i), X: xyz[0], Y: xyz[1], Z: xyz[2]})
			}
			o.cons.Pins = pins
		}
		o.pos = protocol.Pack(nil, pos)
	}
	fwd := &protocol.UpdateNodePositions{Positions: m.GetPositions(), Ticks: m.Ticks, Nodes: m.GetNodes()}
	if fwd.Ticks == nil && len(m.GetNodes()) > 0 {
		fwd.Ticks = o.reheat() // a drag moves a cooled layout again
	}
	if len(m.GetPositions()) > 0 || fwd.Ticks != nil {
		o.restore(ctx, fwd)
	} else {
		o.forward(ctx, fwd)
	}
	o.wake(ctx, "positions changed")
	o.publish(ctx) // subscribers see the drag now, also while paused
}

// restore sends a message that replaces the layout or its tick count. When
// running, the step in flight, if any, is dropped so that its result
// cannot follow.
func (o *orchestrator) restore(ctx actor.Context, m *protocol.UpdateNodePositions) {
	if o.phase == phaseRunning {
		o.runSetup(ctx, []any{m}, 0)
		return
	}
	o.forward(ctx, m)
}

// reheat sets the tick count back to kernel.AlphaTick(params,
// ReheatAlpha) when alpha has fallen below ReheatAlpha, and returns the
// new count; nil when it stays (alpha high enough, no layout held yet, or
// reheating off).
func (o *orchestrator) reheat() *uint64 {
	a := o.cfg.ReheatAlpha
	if a <= 0 || o.pos == nil || kernel.Alpha(o.params, int(o.iteration)) >= a {
		return nil
	}
	t := uint64(kernel.AlphaTick(o.params, a))
	if t >= o.iteration {
		return nil
	}
	o.iteration = t
	o.stats.Reheats++
	return &t
}

// forward sends a change to ForceCompute now when running, or queues it
// behind the setup in progress; otherwise the next setup includes it.
func (o *orchestrator) forward(ctx actor.Context, m any) {
	switch o.phase {
	case phaseRunning:
		if _, err := o.d.Send(ctx, o.fc, m); err != nil {
			o.recover(ctx, fmt.Sprintf("%T not sent: %v", m, err), false)
		}
	case phaseSetup:
		if o.wantStart { // after the start, which would overwrite a drag
			o.afterStart = append(o.afterStart, m)
			return
		}
		o.setup = append(o.setup, m)
	}
}
