package physics

import (
	"context"
	"errors"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/protocol"
)

// startDone carries a multilevel start computed off the orchestrator's
// goroutine for the layout begun at setup generation gen.
type startDone struct {
	gen  uint64
	pos  []float32
	tick int
	err  error
}

// starting is the setup step awaited while a multilevel start is computed.
type starting struct{}

// freshLayout begins a new layout of the graph held: from
// cpu.MultilevelStart, computed on a goroutine of its own (seconds at a
// million nodes), unless Config.PlainStart or the graph is small; then the
// setup, with the start's positions and tick count when there is one.
func (o *orchestrator) freshLayout(ctx actor.Context) {
	o.pos, o.dims, o.iteration, o.ke = nil, 0, 0, 0
	o.stats.StartTick = 0
	o.cancelStart()
	if o.cfg.PlainStart || o.graph == nil || o.nodes() < cpu.MultilevelMinNodes {
		o.startSetup(ctx, true, 0)
		return
	}
	g, err := o.graph.Graph()
	if err != nil { // validated on the way in; start plain rather than stop
		o.startSetup(ctx, true, 0)
		return
	}
	// A new generation: steps and setups in flight are dropped, and
	// changes that come meanwhile queue behind the setup to come.
	o.gen++
	o.stopTimer()
	o.inflight, o.setup, o.phase, o.awaiting = false, nil, phaseSetup, starting{}
	p, gen, self, root := o.params, o.gen, ctx.Self(), ctx.ActorSystem().Root
	sctx, cancel := context.WithCancel(context.Background())
	o.stopStart = cancel
	go func() {
		pos := make([]float32, p.Dims*g.Nodes)
		tick, err := cpu.MultilevelStartContext(sctx, p, g, pos)
		root.Send(self, &startDone{gen: gen, pos: pos, tick: tick, err: err})
	}()
}

// onStartDone takes the multilevel start of the current generation: it
// becomes the layout held, and the setup sends it on after the graph,
// followed by whatever was queued meanwhile (drags, constraints).
func (o *orchestrator) onStartDone(ctx actor.Context, m *startDone) {
	if m.gen != o.gen || o.phase != phaseSetup || o.awaiting != (starting{}) {
		return // a newer layout, a recovery or a stop came first
	}
	o.stopStart = nil
	if m.err != nil {
		if !errors.Is(m.err, context.Canceled) {
			o.cfg.Logger.Error("physics: multilevel start failed; starting plain", "err", m.err)
		}
		m.pos, m.tick = nil, 0
	}
	if m.pos != nil {
		o.pos, o.dims, o.iteration = protocol.Pack(nil, m.pos), o.params.Dims, uint64(m.tick)
		o.stats.StartTick = o.iteration
	}
	queued := o.setup
	o.runSetup(ctx, append(o.setupMessages(true), queued...), 0)
}

// cancelStart stops a multilevel start in progress, if any.
func (o *orchestrator) cancelStart() {
	if o.stopStart != nil {
		o.stopStart()
		o.stopStart = nil
	}
}
