//go:build cuda

package cuda

/*
#include "forcecompute.h"
*/
import "C"

import "github.com/protoack/protoack/actors/forcecompute/kernel"

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
	return float64(ke), codeError("fc_emulate", rc)
}
