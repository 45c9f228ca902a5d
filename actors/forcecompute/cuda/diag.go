//go:build cuda

package cuda

/*
#include "forcecompute.h"
*/
import "C"

import (
	"runtime"
	"unsafe"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// The phases of report.go are forcecompute.h's.
const _ = uint(len(Phases)-C.FC_PHASES) + uint(C.FC_PHASES-len(Phases))

// diagnoser is what the diagnostics need of a device; only the GPU has it.
type diagnoser interface {
	profile(alpha float32) (PhaseTimes, float64, error)
	treeCheck(n int) (TreeReport, error)
}

// Profile runs one tick with CUDA events between its phases and returns
// their times. The tick counts like one of Step.
func (k *Kernel) Profile() (PhaseTimes, error) {
	if k.closed {
		return PhaseTimes{}, kernel.ErrClosed
	}
	if !k.up {
		return PhaseTimes{}, kernel.ErrNoGraph
	}
	d, ok := k.dev.(diagnoser)
	if !ok {
		return PhaseTimes{}, ErrNoDiagnostics
	}
	pt, ke, err := d.profile(float32(kernel.Alpha(k.p, k.ticks)))
	if err != nil {
		return pt, err
	}
	k.ticks++
	k.ke = ke
	return pt, nil
}

// TreeCheck reads back the tree of the last tick (Theta > 0, at least two
// nodes): root mass, inner nodes not reached twice, error bits and the
// cells visited per warp (Rep is nil).
func (k *Kernel) TreeCheck() (TreeReport, error) {
	if k.closed {
		return TreeReport{}, kernel.ErrClosed
	}
	if !k.up {
		return TreeReport{}, kernel.ErrNoGraph
	}
	d, ok := k.dev.(diagnoser)
	if !ok {
		return TreeReport{}, ErrNoDiagnostics
	}
	return d.treeCheck(k.g.Nodes)
}

func (d *gpu) profile(alpha float32) (PhaseTimes, float64, error) {
	var pt PhaseTimes
	var ms [C.FC_PHASES + 1]C.float
	var ke C.double
	var err error
	d.th.do(func() {
		err = ctxError(d.ctx, C.fc_profile(d.ctx, C.float(alpha), &ms[0], &ke))
	})
	for i := range pt.Phase {
		pt.Phase[i] = float64(ms[i])
	}
	pt.Total = float64(ms[C.FC_PHASES])
	return pt, float64(ke), err
}

func (d *gpu) treeCheck(n int) (TreeReport, error) {
	var r TreeReport
	var err error
	d.th.do(func() {
		var st C.fc_tree_stats
		if err = ctxError(d.ctx, C.fc_tree_check(d.ctx, &st)); err != nil {
			return
		}
		r.RootMass, r.BadInner, r.Err = float64(st.root_mass), int(st.bad_inner), int(st.err)
		r.Visits = make([]int32, (n+31)/32)
		if len(r.Visits) > 0 {
			err = ctxError(d.ctx, C.fc_walk_visits(d.ctx, (*C.int)(unsafe.Pointer(&r.Visits[0]))))
		}
	})
	return r, err
}

// DeviceInfo describes device 0: name, SM count, clocks, memory, driver
// and runtime versions.
func DeviceInfo() (string, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var buf [512]C.char
	if err := codeError("cudaGetDeviceProperties", C.fc_device_info(&buf[0], C.int(len(buf)))); err != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}
