package cpu

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestSetParamsChangesDims switches a kernel that has reordered its nodes
// from 3D to 2D and back: every node is re-placed by InitialPositions in the
// caller's ids and pins still hold.
func TestSetParamsChangesDims(t *testing.T) {
	const n = 1500
	g := kerneltest.BAGraph(n, 2, 4)
	p := kernel.Defaults()
	k, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if err := k.Upload(g); err != nil {
		t.Fatal(err)
	}
	pin := kernel.Pin{Node: 42, X: 7, Y: 8, Z: 9}
	if err := k.SetConstraints(kernel.Constraints{Pins: []kernel.Pin{pin}}); err != nil {
		t.Fatal(err)
	}
	kerneltest.Positions(t, k, 3*reorderEvery+1, n, 3)
	for _, dims := range []int{2, 3} {
		p.Dims = dims
		if err := k.SetParams(p); err != nil {
			t.Fatal(err)
		}
		got := kerneltest.Positions(t, k, 0, n, dims)
		want := make([]float32, dims*n)
		kernel.InitialPositions(p, 0, n, want)
		want[42], want[n+42] = 7, 8
		if dims == 3 {
			want[2*n+42] = 9
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%dD: value %d = %v, want %v", dims, i, got[i], want[i])
			}
		}
		got = kerneltest.Positions(t, k, 2*reorderEvery+1, n, dims)
		if !kerneltest.AllFinite(got) || got[42] != 7 || got[n+42] != 8 {
			t.Fatalf("%dD: after stepping, pin at (%v, %v) or non-finite", dims, got[42], got[n+42])
		}
	}
}
