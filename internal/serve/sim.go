package serve

import (
	"time"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/messaging"
)

// Simulation is what the server shows and steers. cmd/sim implements it
// over the PhysicsOrchestrator; servetest implements it over a CPU kernel.
// Every method is called from HTTP handlers and the server's own
// goroutines, concurrently, and must not block for long.
//
// The server validates every request before it calls a method: SetParams
// gets parameters that pass kernel.Params.Validate with the Dims and Seed
// of State().Params, Pin and Unpin get ids in [0, Graph().Nodes) and
// finite coordinates. An error the simulation returns anyway is passed on
// to the client as a 500.
type Simulation interface {
	// Graph is the graph laid out. The server reads it once and never
	// changes it.
	Graph() *kernel.Graph
	// State is a snapshot of the loop.
	State() State
	// SetParams replaces the physics parameters.
	SetParams(p kernel.Params) error
	// Pause stops the loop after the step in flight; Resume restarts it.
	Pause() error
	Resume() error
	// Pin fixes node id at (x, y, z) (z is ignored in 2D) until Unpin.
	Pin(id int, x, y, z float32) error
	Unpin(id int) error
	// Subscribe delivers frames and events until cancel is called. The
	// channels hold buf values; the server reads them promptly, and a
	// simulation may drop values rather than wait when they are full.
	// cancel must be safe to call more than once; the channels need not
	// be closed.
	Subscribe(buf int) (frames <-chan Frame, events <-chan Event, cancel func())
	// Delivery is the acknowledged-delivery tracker's summary
	// (messaging.Tracker.Summary).
	Delivery() messaging.Summary
}

// State is a snapshot of the simulation loop.
type State struct {
	Iteration     uint64  // ticks advanced
	KineticEnergy float64 // after the last tick
	Settled       bool    // at equilibrium
	Paused        bool    // by Pause
	Backend       string  // kernel in use, e.g. "cpu" or "cuda"
	Params        kernel.Params
	Recoveries    int // recoveries of the force computation so far
}

// Frame is the layout after a step.
type Frame struct {
	Iteration uint64
	Dims      int
	// Positions are little-endian float32 values, structure of arrays
	// (x block, y block, then z block in 3D), as kernel.Kernel.Positions
	// writes them and protocol.Pack packs them: 4*Dims*Nodes bytes. The
	// server never changes them.
	Positions []byte
	// TickDuration is the wall time per tick of the step that produced
	// the frame; 0 means unknown (not recorded).
	TickDuration time.Duration
}

// Event is something that happened in the simulation, shown to viewers as
// it comes: for example "equilibrium", "recovering", "recovered".
type Event struct {
	Kind      string
	Reason    string
	Iteration uint64
}
