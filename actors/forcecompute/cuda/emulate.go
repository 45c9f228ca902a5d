//go:build cuda

package cuda

/*
#include "forcecompute.h"
*/
import "C"

import "github.com/protoack/protoack/actors/forcecompute/kernel"

// emulate runs ticks ticks of the device algorithm serially on the host
// (fc_emulate), from tick index first, updating pos and vel in place, and
// returns the kinetic energy after the last one. It needs no GPU; tests use
// it to check the device math against the CPU kernel.
func emulate(p kernel.Params, g kernel.Graph, c kernel.Constraints, pos, vel []float32, first, ticks int) (float64, error) {
	w := g.Weight
	if w == nil {
		w = make([]float32, len(g.Col))
		for i := range w {
			w[i] = 1
		}
	}
	alpha := make([]float32, ticks)
	for t := range alpha {
		alpha[t] = float32(kernel.Alpha(p, first+t))
	}
	cp := cParams(p)
	pk := pack(c, g.Nodes)
	var ke C.double
	var rc C.int
	pk.with(func(cc *C.fc_constraints) {
		rc = C.fc_emulate(&cp, C.int(g.Nodes), fptr(pos), fptr(vel), iptr(g.RowPtr), iptr(g.Col), fptr(w),
			cc, fptr(alpha), C.int(ticks), &ke)
	})
	return float64(ke), codeError("fc_emulate", rc)
}
