//go:build cuda

package cuda

/*
#cgo CFLAGS: -I${SRCDIR}
#cgo LDFLAGS: -L${SRCDIR}/../../../build/cuda -L/usr/local/cuda/lib64
#cgo LDFLAGS: -lforcecompute_cuda -lcudart_static
#cgo LDFLAGS: -Wl,-Bstatic -lstdc++ -Wl,-Bdynamic -static-libgcc -ldl -lrt -lpthread -lm
#include "forcecompute.h"
*/
import "C"

import (
	"unsafe"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// libSum is set by the Makefile (-ldflags -X) to the library's checksum, so
// that Go relinks binaries when the library changes.
var libSum string

// Error is a failed CUDA call: the cudaError_t code and its message, which
// names the call and carries cudaGetErrorString's text. A sticky error
// (Sticky, and errors.Is(err, ErrContextLost)) leaves the process's CUDA
// context unusable: every later CUDA call fails until the process restarts,
// so a caller should fall back to the CPU kernel. A malformed tree is
// reported with Code CodeMalformedTree.
type Error struct {
	Code   int
	Msg    string
	Sticky bool
}

func (e *Error) Error() string { return "cuda: " + e.Msg }

// Is makes errors.Is(err, ErrContextLost) true for sticky errors.
func (e *Error) Is(target error) bool { return target == ErrContextLost && e.Sticky }

// CodeMalformedTree is the Error code of a step whose Barnes-Hut tree was
// malformed (its bounded bottom-up climb or walk gave up). The context
// stays usable.
const CodeMalformedTree = C.FC_ERR_TREE

// stickyNote ends the message of a sticky error made on the Go side.
const stickyNote = " (sticky error: the CUDA context is lost and every later CUDA call in this " +
	"process fails; the process must restart to use the GPU again)"

// codeError wraps a code from a call without a context.
func codeError(call string, code C.int) error {
	if code == 0 {
		return nil
	}
	return newError(call, int(code))
}

// newError is the Error of a call without a context that returned code.
func newError(call string, code int) *Error {
	e := &Error{Code: code, Msg: call + ": " + C.GoString(C.fc_error_string(C.int(code))), Sticky: C.fc_error_is_sticky(C.int(code)) != 0}
	if e.Sticky {
		e.Msg += stickyNote
	}
	return e
}

// ctxError wraps a code from a call on ctx, whose last error names the call
// (and says when the error is sticky).
func ctxError(ctx *C.fc_ctx, code C.int) error {
	if code == 0 {
		return nil
	}
	return &Error{Code: int(code), Msg: C.GoString(C.fc_last_error(ctx)), Sticky: C.fc_error_is_sticky(code) != 0}
}

func fptr(s []float32) *C.float {
	if len(s) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&s[0]))
}

func iptr(s []int32) *C.int {
	if len(s) == 0 {
		return nil
	}
	return (*C.int)(unsafe.Pointer(&s[0]))
}

func cParams(p kernel.Params) C.fc_params {
	return C.fc_params{
		dims:             C.int(p.Dims),
		dt:               C.float(p.DT),
		damping:          C.float(p.Damping),
		spring_k:         C.float(p.SpringK),
		rest_length:      C.float(p.RestLength),
		repel_k:          C.float(p.RepelK),
		softening:        C.float(p.Softening),
		center_gravity_k: C.float(p.CenterGravityK),
		max_force:        C.float(p.MaxForce),
		max_velocity:     C.float(p.MaxVelocity),
		theta:            C.float(p.Theta),
	}
}
