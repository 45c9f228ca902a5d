//go:build cuda

package cuda

import (
	"errors"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// layout returns the positions of a BA m=2 graph after ticks CPU ticks.
func layout(t *testing.T, p kernel.Params, n, ticks int) []float32 {
	t.Helper()
	k, err := cpu.New(p)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if err := k.Upload(kerneltest.BAGraph(n, 2, 1)); err != nil {
		t.Fatal(err)
	}
	return kerneltest.Positions(t, k, ticks, n, p.Dims)
}

// A correctly sorted tree meets the invariants gpu-check gates: root mass
// n, every inner node reached twice, no error bits.
func TestTreeInvariants(t *testing.T) {
	for _, dims := range []int{2, 3} {
		p := kernel.Defaults()
		p.Dims = dims
		for _, n := range []int{2, 3, 33, 5000} {
			pos := layout(t, p, n, 20)
			r, err := EmulateTree(p, n, pos, 16*dims, WalkVote)
			if err != nil {
				t.Fatal(err)
			}
			if r.RootMass != float64(n) || r.BadInner != 0 || r.Err != 0 {
				t.Errorf("%dD n=%d: root mass %v, inner nodes not reached twice %d, error bits %d; want %d, 0, 0",
					dims, n, r.RootMass, r.BadInner, r.Err, n)
			}
		}
	}
}

// Keys sorted on 32 of their 48 bits (what a 3D kernel got when a 2D
// kernel's parameters overwrote the shared ones) malform the tree: parent
// chains loop. The bounded climb must report it and stop, not spin.
func TestMalformedTreeStopsWithError(t *testing.T) {
	p := kernel.Defaults()
	p.Dims = 3
	const n = 6000
	pos := layout(t, p, n, 10)
	r, err := EmulateTree(p, n, pos, 32, WalkVote)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sorted on 32 bits: root mass %v of %d, inner nodes not reached twice %d, error bits %d", r.RootMass, n, r.BadInner, r.Err)
	if r.Err == 0 {
		t.Fatal("no error bits on a tree over missorted keys")
	}
}

// Sticky CUDA errors say that the context is lost and match
// ErrContextLost; others do not.
func TestStickyErrors(t *testing.T) {
	const illegalAddress, memoryAllocation = 700, 2 // cudaErrorIllegalAddress, cudaErrorMemoryAllocation
	e := newError("k_walk", illegalAddress)
	if !e.Sticky || !errors.Is(e, ErrContextLost) || !strings.Contains(e.Error(), "context is lost") ||
		!strings.Contains(e.Error(), "restart") || !strings.HasPrefix(e.Error(), "cuda: k_walk: ") {
		t.Errorf("illegal address: %q (sticky %v), want a sticky error naming k_walk that asks for a restart", e, e.Sticky)
	}
	e = newError("cudaMalloc", memoryAllocation)
	if e.Sticky || errors.Is(e, ErrContextLost) || strings.Contains(e.Error(), "context is lost") {
		t.Errorf("out of memory: %q (sticky %v), want a plain error", e, e.Sticky)
	}
}

// The bottom-up climb is bounded: parent chains that loop (as the parallel
// build leaves over missorted keys) end with the climb error bit instead of
// spinning forever, and a well-formed tree has none.
func TestBottomUpClimbIsBounded(t *testing.T) {
	// Four leaves; inner node 0 is the root with children 1 and 2, which
	// hold leaves 0, 1 and 2, 3 (~s encodes leaf s).
	left := []int32{1, ^0, ^2}
	right := []int32{2, ^1, ^3}
	leafParent := []int32{1, 1, 2, 2}
	mass, bits, err := emulateBottomUp(left, right, []int32{-1, 0, 0}, leafParent)
	if err != nil || mass != 4 || bits != 0 {
		t.Fatalf("well-formed tree: root mass %v, error bits %d, %v; want 4, 0", mass, bits, err)
	}
	// Inner nodes 1 and 2 name each other as parent: a loop.
	mass, bits, err = emulateBottomUp(left, right, []int32{-1, 2, 1}, leafParent)
	if err != nil || bits&1 == 0 {
		t.Fatalf("looping parents: root mass %v, error bits %d, %v; want the climb bit (1)", mass, bits, err)
	}
}
