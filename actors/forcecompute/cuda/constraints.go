//go:build cuda

package cuda

/*
#include "forcecompute.h"
*/
import "C"

import (
	"runtime"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// packed is kernel.Constraints laid out as fc_constraints: pins by node and
// the distance constraints as a CSR over nodes listing both directions.
type packed struct {
	pinOf  []int32
	pinPos []float32
	conRow []int32
	conCol []int32
	conLen []float32
	conK   []float32
}

// pack lays out c (already validated for n nodes). A later pin of the same
// node wins; a distance constraint of a node to itself is dropped.
func pack(c kernel.Constraints, n int) packed {
	pk := packed{
		pinOf:  make([]int32, n),
		pinPos: make([]float32, 0, 3*len(c.Pins)),
		conRow: make([]int32, n+1),
	}
	for i := range pk.pinOf {
		pk.pinOf[i] = -1
	}
	for j, p := range c.Pins {
		pk.pinOf[p.Node] = int32(j)
		pk.pinPos = append(pk.pinPos, p.X, p.Y, p.Z)
	}
	for _, d := range c.Distances {
		if d.A != d.B {
			pk.conRow[d.A+1]++
			pk.conRow[d.B+1]++
		}
	}
	for i := 0; i < n; i++ {
		pk.conRow[i+1] += pk.conRow[i]
	}
	m := pk.conRow[n]
	pk.conCol = make([]int32, m)
	pk.conLen = make([]float32, m)
	pk.conK = make([]float32, m)
	fill := append([]int32(nil), pk.conRow[:n]...)
	put := func(i, j int32, d kernel.Distance) {
		k := fill[i]
		pk.conCol[k], pk.conLen[k], pk.conK[k] = j, d.Length, d.Stiffness
		fill[i]++
	}
	for _, d := range c.Distances {
		if d.A != d.B {
			put(d.A, d.B, d)
			put(d.B, d.A, d)
		}
	}
	return pk
}

// with calls f with pk as fc_constraints; its Go memory is pinned meanwhile,
// as cgo requires for Go pointers stored in memory passed to C.
func (pk *packed) with(f func(*C.fc_constraints)) {
	var pin runtime.Pinner
	defer pin.Unpin()
	for _, s := range [][]int32{pk.pinOf, pk.conRow, pk.conCol} {
		if len(s) > 0 {
			pin.Pin(&s[0])
		}
	}
	for _, s := range [][]float32{pk.pinPos, pk.conLen, pk.conK} {
		if len(s) > 0 {
			pin.Pin(&s[0])
		}
	}
	c := C.fc_constraints{
		pin_of:  iptr(pk.pinOf),
		pin_pos: fptr(pk.pinPos),
		npins:   C.int(len(pk.pinPos) / 3),
		con_row: iptr(pk.conRow),
		con_col: iptr(pk.conCol),
		con_len: fptr(pk.conLen),
		con_k:   fptr(pk.conK),
	}
	f(&c)
}
