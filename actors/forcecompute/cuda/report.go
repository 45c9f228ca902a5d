package cuda

import "errors"

// ErrContextLost matches (errors.Is) every sticky CUDA error.
var ErrContextLost = errors.New("cuda: the CUDA context is lost (sticky error); restart the process to use the GPU")

// ErrNoDiagnostics is returned by Profile and TreeCheck of a Kernel that
// has no GPU behind it (NewEmulated's).
var ErrNoDiagnostics = errors.New("cuda: diagnostics need a GPU kernel (New), not an emulated one")

// Walk criteria of EmulateTree.
const (
	// WalkVote is the device's walk: each node's own criterion, voted by
	// its warp.
	WalkVote = 0
	// WalkGroupBox is the walk before it (the gap to the warp's bounding
	// box), kept to measure against.
	WalkGroupBox = 1
)

// TreeReport describes one tick's Barnes-Hut tree and walk.
type TreeReport struct {
	// RootMass is the node count of the root: n in a well-formed tree.
	RootMass float64
	// BadInner counts inner nodes the bottom-up pass did not reach
	// exactly twice (0 in a well-formed tree).
	BadInner int
	// Err holds tree.cuh's FC_ERR_* bits: 1 a climb gave up, 2 a walk gave
	// up, 4 the root's mass was not n (0 in a well-formed tree).
	Err int
	// Visits is the number of cells each walk group (warp) visited.
	Visits []int32
	// Rep is the repulsion without RepelK, structure of arrays (only from
	// EmulateTree).
	Rep []float32
}

// Phases names the phases of a tick in the order of PhaseTimes.
var Phases = [...]string{"bounds", "keys", "sort", "build", "bottom-up", "walk", "springs+integrate"}

// PhaseTimes are the CUDA event times of one tick, in ms: per phase (in
// the order of Phases) and the whole tick.
type PhaseTimes struct {
	Phase [len(Phases)]float64
	Total float64
}
