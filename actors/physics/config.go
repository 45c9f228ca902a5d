package physics

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// Config configures an orchestrator. Zero fields take the defaults named.
type Config struct {
	// Delivery tracks what the orchestrator sends; required. Build it with
	// DeliveryOptions, which include middleware.WithOutcomesToActor.
	Delivery *middleware.Delivery
	// ForceCompute is the Props of the ForceCompute child; nil means
	// forcecompute.Props with this Delivery.
	ForceCompute *actor.Props
	// Remote, when set, is a ForceCompute the orchestrator does not own,
	// typically on another node (protoactor remote): it is watched instead
	// of spawned, and when it terminates or stops answering the
	// orchestrator recovers against the same PID (a node restarted on its
	// address gets the whole state again). ForceCompute is then only the
	// local fallback.
	Remote *actor.PID
	// RemoteTimeout is how long Remote may stay unrecovered before the
	// orchestrator spawns ForceCompute locally instead, with an
	// EventLocal (0: never; MaxRecoveries bounds the attempts then).
	// While it runs, MaxRecoveries does not stop the loop.
	RemoteTimeout time.Duration
	// Backend is "auto" (default), "cpu" or "cuda". A cuda kernel that
	// cannot be opened falls back to the CPU, with an event.
	Backend string
	// Params are the kernel parameters; zero means kernel.Defaults().
	Params kernel.Params
	// Graph and Constraints are uploaded at start when Graph has nodes.
	Graph       kernel.Graph
	Constraints kernel.Constraints
	// RateHz is the loop's target rate (default 60); Settle steps as fast
	// as the kernel goes.
	RateHz float64
	Settle bool
	// TicksPerStep is the ticks per ComputeForces (default 1).
	TicksPerStep int
	// EnergyPerNode and CalmTicks set equilibrium: kinetic energy per node
	// below EnergyPerNode (default 1e-4) for CalmTicks ticks (default 10)
	// pauses the loop until parameters or positions change.
	EnergyPerNode float64
	CalmTicks     int
	// ReheatAlpha is the alpha a change brings a cooled layout back to
	// (default 0.1; negative: never). When parameters change or a node is
	// dragged and the schedule's alpha (kernel.Alpha at the tick count)
	// has fallen below it, the orchestrator sets the kernel's tick count
	// back to kernel.AlphaTick(Params, ReheatAlpha), so the layout moves
	// again and settles anew, as d3-force's alpha(a).restart() does; the
	// iteration count goes back with it.
	ReheatAlpha float64
	// PlainStart lays out a new graph from kernel.InitialPositions at tick
	// 0. By default, on the CPU kernel, a graph of cpu.MultilevelMinNodes
	// or more starts from cpu.MultilevelStart instead, which settles in
	// half the ticks or fewer: computed off the orchestrator's goroutine
	// after the setup, then sent to ForceCompute as positions and a tick
	// count (the iteration count begins there; EventReady follows it). A
	// CUDA kernel starts plain: its ticks should beat the CPU's start.
	PlainStart bool
	// MaxIterations pauses the loop once the tick count reaches it; 0 is
	// no limit. Resume then lifts it.
	MaxIterations uint64
	// MaxRecoveries bounds consecutive recoveries without a completed
	// step (default 20); then the loop stops with an EventFailed.
	MaxRecoveries int
	// OnEvent, when set, is called with every event on the orchestrator's
	// goroutine; it must not block.
	OnEvent func(*protocol.Event)
	// Logger gets recoveries and anomalies; nil discards.
	Logger *slog.Logger
}

// DefaultReheatAlpha is Config.ReheatAlpha's default: the alpha at which
// a 3D multilevel start hands over to the full graph, enough to move nodes
// to a change without losing the layout's global shape.
const DefaultReheatAlpha = 0.1

// DeliveryOptions are the middleware options the orchestrator needs: the
// protocol's six tracked kinds with their policies (overrides as in
// protocol.Options), and outcomes delivered to the sending actor.
func DeliveryOptions(overrides map[messaging.Kind]messaging.Policy) []middleware.Option {
	return append(protocol.Options(overrides), middleware.WithOutcomesToActor())
}

// withDefaults validates c and fills in defaults, naming a bad field.
func (c Config) withDefaults() (Config, error) {
	if c.Delivery == nil {
		return c, errors.New("physics: Config.Delivery is nil")
	}
	if !c.Delivery.OutcomesToActor() {
		return c, errors.New("physics: Config.Delivery: built without middleware.WithOutcomesToActor (use DeliveryOptions)")
	}
	if c.Backend == "" {
		c.Backend = "auto"
	}
	if _, err := protocol.ParseBackend(c.Backend); err != nil {
		return c, fmt.Errorf("physics: Config.Backend: %w", err)
	}
	if c.Params == (kernel.Params{}) {
		c.Params = kernel.Defaults()
	}
	if err := c.Params.Validate(); err != nil {
		return c, fmt.Errorf("physics: Config.Params: %w", err)
	}
	if c.Graph.Nodes > 0 || c.Graph.RowPtr != nil {
		if err := c.Graph.Validate(); err != nil {
			return c, fmt.Errorf("physics: Config.Graph: %w", err)
		}
		if err := c.Constraints.Validate(c.Graph.Nodes); err != nil {
			return c, fmt.Errorf("physics: Config.Constraints: %w", err)
		}
	}
	switch {
	case c.RateHz < 0 || math.IsNaN(c.RateHz) || math.IsInf(c.RateHz, 0):
		return c, fmt.Errorf("physics: Config.RateHz=%v must be finite and >= 0", c.RateHz)
	case c.RateHz == 0:
		c.RateHz = 60
	}
	if c.TicksPerStep < 0 {
		return c, fmt.Errorf("physics: Config.TicksPerStep=%d must be >= 0", c.TicksPerStep)
	}
	if c.TicksPerStep == 0 {
		c.TicksPerStep = 1
	}
	if c.EnergyPerNode < 0 || math.IsNaN(c.EnergyPerNode) {
		return c, fmt.Errorf("physics: Config.EnergyPerNode=%v must be >= 0", c.EnergyPerNode)
	}
	if c.EnergyPerNode == 0 {
		c.EnergyPerNode = 1e-4
	}
	if c.CalmTicks < 0 {
		return c, fmt.Errorf("physics: Config.CalmTicks=%d must be >= 0", c.CalmTicks)
	}
	if c.CalmTicks == 0 {
		c.CalmTicks = 10
	}
	if math.IsNaN(c.ReheatAlpha) || c.ReheatAlpha > 1 {
		return c, fmt.Errorf("physics: Config.ReheatAlpha=%v must be <= 1 (negative: never)", c.ReheatAlpha)
	}
	if c.ReheatAlpha == 0 {
		c.ReheatAlpha = DefaultReheatAlpha
	}
	if c.MaxRecoveries < 0 {
		return c, fmt.Errorf("physics: Config.MaxRecoveries=%d must be >= 0", c.MaxRecoveries)
	}
	if c.MaxRecoveries == 0 {
		c.MaxRecoveries = 20
	}
	if c.RemoteTimeout < 0 {
		return c, fmt.Errorf("physics: Config.RemoteTimeout=%v must be >= 0", c.RemoteTimeout)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// interval is the time between step starts at RateHz.
func (c Config) interval() time.Duration { return time.Duration(float64(time.Second) / c.RateHz) }
