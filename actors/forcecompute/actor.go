package forcecompute

import (
	"errors"
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/middleware"
)

// Config configures a ForceCompute actor.
type Config struct {
	// Delivery acks and de-duplicates the tracked messages; required. Build
	// it with protocol.Options.
	Delivery *middleware.Delivery
	// Logger gets the backend choice and kernel errors; nil discards.
	Logger *slog.Logger
	// Shared lists kernels already open in the process that
	// SetSharedGPUContext may adopt by name. An adopted kernel is owned by
	// the actor from then on, and closed by it.
	Shared map[string]kernel.Kernel
}

// Props returns the Props of a ForceCompute actor: Producer(cfg) with the
// Delivery's middleware. A nil cfg.Delivery is an error.
func Props(cfg Config) (*actor.Props, error) {
	if cfg.Delivery == nil {
		return nil, errors.New("forcecompute: Props: Config.Delivery is nil")
	}
	return actor.PropsFromProducer(Producer(cfg), cfg.Delivery.PropsOption()), nil
}

// Producer returns the producer of ForceCompute actors, for embedders that
// build their own Props (they must add cfg.Delivery.PropsOption()).
func Producer(cfg Config) actor.Producer {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return func() actor.Actor { return &computer{cfg: cfg} }
}

// computer is the ForceCompute actor. It owns at most one kernel.
type computer struct {
	cfg    Config
	k      kernel.Kernel
	params kernel.Params // k's parameters
	graph  bool          // a graph is uploaded to k
	nodes  int
	edges  int
	cons   kernel.Constraints // as applied, for pins added by drags
	pos    []float32          // scratch for Positions
}

// Receive dispatches one message; tracked ones are acked through reply.
func (c *computer) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *protocol.InitializeGPU:
		c.reply(ctx, c.initialize(m))
	case *protocol.SetSharedGPUContext:
		c.reply(ctx, c.share(m))
	case *protocol.UpdateGPUGraphData:
		c.reply(ctx, c.upload(m))
	case *protocol.UploadConstraintsToGPU:
		c.reply(ctx, c.constrain(m))
	case *protocol.ComputeForces:
		c.reply(ctx, c.compute(ctx, m))
	case *protocol.UpdateNodePositions:
		c.reply(ctx, c.setPositions(m))
	case *protocol.GetPositions:
		if ctx.Sender() != nil {
			ctx.Respond(c.frame())
		}
	case *actor.Stopping, *actor.Restarting:
		c.release()
	}
}

// release closes the kernel, CUDA memory included.
func (c *computer) release() {
	if c.k == nil {
		return
	}
	if err := c.k.Close(); err != nil && !errors.Is(err, kernel.ErrClosed) {
		c.cfg.Logger.Warn("forcecompute: closing the kernel", "err", err)
	}
	c.k, c.graph = nil, false
}
