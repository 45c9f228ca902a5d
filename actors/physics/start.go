package physics

import (
	"context"
	"errors"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/protocol"
)

// startDone carries a multilevel start computed off the orchestrator's
// goroutine for setup generation gen.
type startDone struct {
	gen  uint64
	pos  []float32
	tick int
	err  error
}

// starting is the setup step awaited while a multilevel start is computed.
type starting struct{}

// freshLayout begins a new layout of the graph held: the setup
// (InitializeGPU, graph, constraints), then, unless Config.PlainStart or
// the graph is small, a multilevel start (beginStart) before the first
// step.
func (o *orchestrator) freshLayout(ctx actor.Context) {
	o.pos, o.dims, o.iteration, o.ke = nil, 0, 0, 0
	o.stats.StartTick = 0
	o.wantStart = !o.cfg.PlainStart && o.graph != nil && o.nodes() >= cpu.MultilevelMinNodes
	o.afterStart = nil
	o.startSetup(ctx, true, 0)
}

// beginStart computes cpu.MultilevelStart on a goroutine of its own
// (seconds at a million nodes) when a fresh layout wants one and the
// kernel is the CPU one (a CUDA kernel lays out from the plain start
// faster than the CPU computes the start). It reports whether the setup
// goes on: with the start, or with the changes held back for it (forward)
// when there is none.
func (o *orchestrator) beginStart(ctx actor.Context) bool {
	if !o.wantStart {
		return false
	}
	var g kernel.Graph
	err := errors.New("no graph")
	if o.graph != nil {
		g, err = o.graph.Graph() // validated on the way in
	}
	if o.pos != nil || err != nil || o.kernel != "cpu" {
		// No start: the changes held back go now, ending the setup.
		o.wantStart = false
		o.setup, o.afterStart = o.afterStart, nil
		o.sendSetup(ctx)
		return true
	}
	o.phase, o.awaiting = phaseSetup, starting{}
	p, gen, self, root := o.params, o.gen, ctx.Self(), ctx.ActorSystem().Root
	sctx, cancel := context.WithCancel(context.Background())
	o.stopStart = cancel
	go func() {
		pos := make([]float32, p.Dims*g.Nodes)
		tick, err := cpu.MultilevelStartContext(sctx, p, g, pos)
		root.Send(self, &startDone{gen: gen, pos: pos, tick: tick, err: err})
	}()
	return true
}

// onStartDone takes the multilevel start of the current setup: it becomes
// the layout held and goes to ForceCompute as positions and a tick count,
// followed by whatever was queued meanwhile (drags, constraints).
func (o *orchestrator) onStartDone(ctx actor.Context, m *startDone) {
	if m.gen != o.gen || o.phase != phaseSetup || o.awaiting != (starting{}) {
		return // a newer layout, a recovery or a stop came first
	}
	o.stopStart, o.wantStart, o.awaiting = nil, false, nil
	queued := append(o.setup, o.afterStart...)
	o.afterStart = nil
	if m.err != nil {
		if !errors.Is(m.err, context.Canceled) {
			o.cfg.Logger.Error("physics: multilevel start failed; starting plain", "err", m.err)
		}
		o.runSetup(ctx, queued, 0)
		return
	}
	o.pos, o.dims, o.iteration = protocol.Pack(nil, m.pos), o.params.Dims, uint64(m.tick)
	o.stats.StartTick = o.iteration
	it := o.iteration
	o.runSetup(ctx, append([]any{&protocol.UpdateNodePositions{Positions: o.pos, Ticks: &it}}, queued...), 0)
}

// cancelStart stops a multilevel start in progress, if any.
func (o *orchestrator) cancelStart() {
	if o.stopStart != nil {
		o.stopStart()
		o.stopStart = nil
	}
}
