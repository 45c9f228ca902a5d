package physics

import (
	"github.com/asynkron/protoactor-go/actor"
	"time"
)

// Subscribe asks for PositionsFrame (at most MaxHz a second; 0 means
// every step) and every Event. A subscriber answers each frame with
// protocol.FrameAck (ctx.Respond); at most Window (default 2) frames go
// unanswered, and the frames due beyond that are dropped and counted, so
// a slow subscriber never holds the loop back. Subscribing again updates
// the subscription.
type Subscribe struct {
	PID    *actor.PID
	MaxHz  float64
	Window int
}

// Unsubscribe ends a subscription. A subscriber that stops is dropped too.
type Unsubscribe struct{ PID *actor.PID }

// GetStats asks for a *Stats reply.
type GetStats struct{}

// Stats is the orchestrator's state and counters.
type Stats struct {
	Iteration     uint64        // the tick count of the positions it holds
	StartTick     uint64        // the tick the layout began at: a multilevel start's, else 0
	Steps         uint64        // ComputeForces completed
	KernelTime    time.Duration // kernel time of the completed steps, as ForceCompute measured it
	KernelTicks   uint64        // ticks in those steps
	KineticEnergy float64
	Backend       string // the kernel in use ("cpu", "cuda"), "" before the first
	Running       bool   // the loop would step now (not paused, asleep or recovering)
	Paused        bool   // by Pause or MaxIterations
	Asleep        bool   // at equilibrium
	Recoveries    int    // recoveries started
	Fallbacks     int    // CUDA -> CPU
	Restarts      int    // ForceCompute restarts or stops noticed
	RemoteDown    int    // Config.Remote terminated (its node stopped or unreachable)
	RemoteLost    bool   // Config.Remote was given up for a local ForceCompute
	LateFailures  int    // failed outcomes of steps already completed (acks lost)
	Stale         int    // StepCompleted ignored (from before a recovery)
	Reheats       int    // tick count set back to Config.ReheatAlpha on a change
	LostReplies   int    // steps acked whose StepCompleted never came (completed from GetPositions)
	Skew          int    // StepCompleted whose iteration was not the expected one
	ForceCompute  *actor.PID
	Subscribers   []SubscriberStats
	Events        map[string]int // events by kind
	Outcomes      map[string]int // outcomes of what it sent, by result
}

// SubscriberStats counts one subscriber's frames.
type SubscriberStats struct {
	PID           *actor.PID
	Sent, Dropped uint64
	Unanswered    int
}

// Event kinds.
const (
	EventReady       = "ready"       // the first setup is done; the loop runs
	EventEquilibrium = "equilibrium" // auto-paused
	EventWoke        = "woke"        // left equilibrium on a change
	EventRecovering  = "recovering"  // a recovery starts (Reason says why)
	EventRecovered   = "recovered"   // the layout is back where it was
	EventFallback    = "fallback"    // CUDA unavailable: the CPU kernel is used
	EventLocal       = "local"       // Config.Remote unrecovered for RemoteTimeout: a local ForceCompute is used
	EventPartial     = "partial"     // ForceCompute applied only part of a message
	EventLimit       = "limit"       // MaxIterations reached
	EventFailed      = "failed"      // recovery gave up; the loop stopped
	EventRejected    = "rejected"    // a request to the orchestrator was invalid
)

// tick is the rate timer firing.
type tick struct{ gen uint64 }

// retry is the timer of a delayed setup attempt.
type retry struct{ gen uint64 }

// remoteDeadline is RemoteTimeout passing after Remote went down at since.
type remoteDeadline struct{ since time.Time }
