package protocol

import (
	"time"

	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// The six tracked kinds of the physics protocol.
const (
	KindInitializeGPU          messaging.Kind = "InitializeGPU"
	KindSetSharedGPUContext    messaging.Kind = "SetSharedGPUContext"
	KindUpdateGPUGraphData     messaging.Kind = "UpdateGPUGraphData"
	KindUploadConstraintsToGPU messaging.Kind = "UploadConstraintsToGPU"
	KindComputeForces          messaging.Kind = "ComputeForces"
	KindUpdateNodePositions    messaging.Kind = "UpdateNodePositions"
)

// Kinds lists the six tracked kinds.
func Kinds() []messaging.Kind {
	return []messaging.Kind{
		KindInitializeGPU, KindSetSharedGPUContext, KindUpdateGPUGraphData,
		KindUploadConstraintsToGPU, KindComputeForces, KindUpdateNodePositions,
	}
}

// DefaultPolicies returns the six kinds' default policies (timeout and
// retries; backoff messaging.DefaultBackoff) as a fresh map.
func DefaultPolicies() map[messaging.Kind]messaging.Policy {
	p := func(timeout time.Duration, retries int) messaging.Policy {
		return messaging.Policy{Timeout: timeout, MaxRetries: retries, Backoff: messaging.DefaultBackoff()}
	}
	return map[messaging.Kind]messaging.Policy{
		KindUpdateGPUGraphData:     p(2*time.Second, 5),
		KindUploadConstraintsToGPU: p(3*time.Second, 3),
		KindComputeForces:          p(5*time.Second, 3),
		KindInitializeGPU:          p(10*time.Second, 5),
		KindUpdateNodePositions:    p(1*time.Second, 2),
		KindSetSharedGPUContext:    p(10*time.Second, 5),
	}
}

// Options returns the middleware options that track the six message
// types under their kinds, with policies: DefaultPolicies, overridden by
// the entries of override (nil for none).
func Options(override map[messaging.Kind]messaging.Policy) []middleware.Option {
	pol := DefaultPolicies()
	for k, p := range override {
		pol[k] = p
	}
	opts := []middleware.Option{
		middleware.Track[*InitializeGPU](KindInitializeGPU),
		middleware.Track[*SetSharedGPUContext](KindSetSharedGPUContext),
		middleware.Track[*UpdateGPUGraphData](KindUpdateGPUGraphData),
		middleware.Track[*UploadConstraintsToGPU](KindUploadConstraintsToGPU),
		middleware.Track[*ComputeForces](KindComputeForces),
		middleware.Track[*UpdateNodePositions](KindUpdateNodePositions),
	}
	for _, k := range Kinds() {
		opts = append(opts, middleware.WithPolicy(k, pol[k]))
	}
	return opts
}
