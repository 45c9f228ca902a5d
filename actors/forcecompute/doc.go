// Package forcecompute holds the force-directed layout engine's actor
// side: Open chooses the kernel backend (cpu, cuda, or auto), and the
// ForceCompute actor (Props, Producer) owns one kernel and serves the
// physics protocol (actors/protocol).
//
// The actor acknowledges every tracked message after its effect, through
// the Delivery's Reply: Success with metadata (nodes, edges, iteration,
// backend), PartialSuccess naming the rejected constraints or nodes, or
// Failed with a reason and a cause (protocol.Cause*). It answers
// ComputeForces with StepCompleted and GetPositions with PositionsFrame,
// and closes its kernel when it stops or restarts. De-duplication by the
// middleware means a re-sent ComputeForces never steps twice
// (TestResentComputeForcesStepsOnce).
//
// The kernels themselves live in subpackages: kernel (the contract), cpu and
// cuda. Nothing in those imports this package.
package forcecompute
