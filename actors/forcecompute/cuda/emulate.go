//go:build cuda

package cuda

/*
#include "forcecompute.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// emulate runs len(alpha) ticks of the device algorithm serially on the host
// (fc_emulate) on graph g (Weight not nil) with constraints pk, updating pos
// and vel in place, and returns the kinetic energy after the last one. It
// needs no GPU; tests use it to check the device math against the CPU
// kernel.
func emulate(p kernel.Params, g kernel.Graph, pk *packed, pos, vel, alpha []float32) (float64, error) {
	cp := cParams(p)
	var ke C.double
	var rc C.int
	pk.with(func(cc *C.fc_constraints) {
		rc = C.fc_emulate(&cp, C.int(g.Nodes), fptr(pos), fptr(vel), iptr(g.RowPtr), iptr(g.Col),
			fptr(g.Weight), cc, fptr(alpha), C.int(len(alpha)), &ke)
	})
	if rc == C.FC_ERR_TREE {
		return 0, &Error{Code: int(rc), Msg: "fc_emulate: malformed Barnes-Hut tree"}
	}
	return float64(ke), codeError("fc_emulate", rc)
}

// The criteria of report.go are fc_emulate_tree's.
const _ = uint(WalkVote-C.FC_WALK_VOTE) + uint(C.FC_WALK_VOTE-WalkVote) +
	uint(WalkGroupBox-C.FC_WALK_GROUP_BOX) + uint(C.FC_WALK_GROUP_BOX-WalkGroupBox)

// EmulateTree builds, on the host, the tree one device tick would build
// over pos (structure of arrays, p.Dims*n values) and walks it with the
// given criterion (WalkVote, as the device does, or WalkGroupBox). sortBits
// is the number of low key bits the sort compares: p.Dims*16 as on the
// device; fewer reproduce a sort on too few bits, which malforms the tree.
func EmulateTree(p kernel.Params, n int, pos []float32, sortBits, criterion int) (TreeReport, error) {
	if len(pos) < p.Dims*n {
		return TreeReport{}, fmt.Errorf("cuda: EmulateTree: len(pos)=%d, want >= Dims*n=%d", len(pos), p.Dims*n)
	}
	cp := cParams(p)
	r := TreeReport{Visits: make([]int32, (n+31)/32), Rep: make([]float32, p.Dims*n)}
	var st C.fc_tree_stats
	var vp *C.int
	if len(r.Visits) > 0 {
		vp = (*C.int)(unsafe.Pointer(&r.Visits[0]))
	}
	rc := C.fc_emulate_tree(&cp, C.int(n), fptr(pos), C.int(sortBits), C.int(criterion), fptr(r.Rep), vp, &st)
	if err := codeError("fc_emulate_tree", rc); err != nil {
		return TreeReport{}, err
	}
	r.RootMass, r.BadInner, r.Err = float64(st.root_mass), int(st.bad_inner), int(st.err)
	return r, nil
}

// emulateBottomUp runs the bottom-up pass on the host over a given tree of
// len(leafParent) leaves (fc_emulate_bottom_up) and returns the root's mass
// and the error bits.
func emulateBottomUp(left, right, parent, leafParent []int32) (float64, int, error) {
	var mass C.double
	var bits C.int
	rc := C.fc_emulate_bottom_up(C.int(len(leafParent)), iptr(left), iptr(right), iptr(parent), iptr(leafParent), &mass, &bits)
	return float64(mass), int(bits), codeError("fc_emulate_bottom_up", rc)
}

// A node with at least wideDegree springs is summed by whole warps,
// segSpan springs per warp (fc_plan_wide).
const (
	wideDegree = C.FC_WIDE
	segSpan    = C.FC_SEG
)

// planWide is fc_plan_wide of the CSR rowPtr: each node's first segment
// (-1 when it is not wide) and each segment's node.
func planWide(rowPtr []int32) (wideOf, segNode []int32) {
	n := len(rowPtr) - 1
	wideOf = make([]int32, n)
	segNode = make([]int32, C.fc_plan_wide(C.int(n), iptr(rowPtr), nil, nil))
	C.fc_plan_wide(C.int(n), iptr(rowPtr), iptr(wideOf), iptr(segNode))
	return wideOf, segNode
}
