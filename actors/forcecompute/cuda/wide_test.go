//go:build cuda

package cuda

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// csrOfDegrees is a row pointer with the given degrees (the columns do not
// matter to the plan).
func csrOfDegrees(deg []int32) []int32 {
	rowPtr := make([]int32, len(deg)+1)
	for i, d := range deg {
		rowPtr[i+1] = rowPtr[i] + d
	}
	return rowPtr
}

// Nodes of degree >= 32 get one segment per started 256 springs, in node
// order; the others none.
func TestPlanWide(t *testing.T) {
	if wideDegree != 32 || segSpan != 256 {
		t.Fatalf("FC_WIDE %d, FC_SEG %d: the expectations below are for 32 and 256", wideDegree, segSpan)
	}
	deg := []int32{0, 31, 32, 33, 256, 257, 600, 3, 512, 1}
	wideOf, segNode := planWide(csrOfDegrees(deg))
	wantOf := []int32{-1, -1, 0, 1, 2, 3, 5, -1, 8, -1}
	wantNode := []int32{2, 3, 4, 5, 5, 6, 6, 6, 8, 8}
	if !slices.Equal(wideOf, wantOf) || !slices.Equal(segNode, wantNode) {
		t.Errorf("degrees %v: wide_of %v, seg_node %v; want %v, %v", deg, wideOf, segNode, wantOf, wantNode)
	}
	if w, s := planWide([]int32{0}); len(w) != 0 || len(s) != 0 {
		t.Errorf("no nodes: wide_of %v, seg_node %v; want both empty", w, s)
	}
}

// hubGraph is hubs of the given degrees (hub h is node h) joined in turn
// to the other nodes, which form a ring.
func hubGraph(n int, hubs []int) kernel.Graph {
	var edges []kernel.Edge
	first, ring := int32(len(hubs)), int32(n-len(hubs))
	for v := int32(0); v < ring; v++ {
		edges = append(edges, kernel.Edge{A: first + v, B: first + (v+1)%ring, Weight: 1})
	}
	next := int32(0)
	for h, d := range hubs {
		for k := 0; k < d; k++ {
			edges = append(edges, kernel.Edge{A: int32(h), B: first + next, Weight: 0.5 + float32(k%4)/2})
			next = (next + 1) % ring
		}
	}
	g, _ := kernel.FromEdges(n, edges)
	return g
}

// displacements runs one tick of k on g and returns each node's move.
func displacements(t *testing.T, k kernel.Kernel, g kernel.Graph, dims int) []float32 {
	t.Helper()
	if err := k.Upload(g); err != nil {
		t.Fatal(err)
	}
	start, end := make([]float32, dims*g.Nodes), make([]float32, dims*g.Nodes)
	if _, err := k.Positions(start); err != nil {
		t.Fatal(err)
	}
	if err := k.Step(1); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Positions(end); err != nil {
		t.Fatal(err)
	}
	for j := range end {
		end[j] -= start[j]
	}
	return end
}

// hubs are the degrees of hubGraph's hubs: both sides of FC_WIDE and of a
// segment's end, and a hub of several segments.
var hubs = []int{31, 32, 33, 255, 256, 257, 1500}

// checkHubs fails t unless every hub's move in got is within tol of its
// move in want (relative error) and returns the largest error.
func checkHubs(t *testing.T, g kernel.Graph, dims int, want, got []float32, tol float64) float64 {
	t.Helper()
	worst := 0.0
	for h := range hubs {
		var diff, ref float64
		for c := 0; c < dims; c++ {
			j := c*g.Nodes + h
			diff += (float64(got[j]) - float64(want[j])) * (float64(got[j]) - float64(want[j]))
			ref += float64(want[j]) * float64(want[j])
		}
		e := math.Sqrt(diff / ref)
		worst = math.Max(worst, e)
		if !(e <= tol) {
			t.Errorf("hub %d (degree %d): moved %v, want %v: relative error %.2e, want <= %g",
				h, g.RowPtr[h+1]-g.RowPtr[h], vec(got, g.Nodes, dims, h), vec(want, g.Nodes, dims, h), e, tol)
		}
	}
	return worst
}

// The springs of wide nodes, summed warp-wise as on the device, move every
// hub as the CPU kernel's serial sum does (Theta 0).
func TestEmulatedWideNodesMatchCPU(t *testing.T) {
	for _, dims := range []int{2, 3} {
		t.Run(fmt.Sprintf("%dD", dims), func(t *testing.T) {
			p := kernel.Defaults()
			p.Dims, p.Theta = dims, 0
			g := hubGraph(2000, hubs)
			want := displacements(t, newCPU(t, p), g, dims)
			got := displacements(t, newHostKernel(p), g, dims)
			t.Logf("largest relative error of a hub's move: %.2e", checkHubs(t, g, dims, want, got, 1e-4))
		})
	}
}

// On the GPU, k_springs_wide moves every hub as the host emulation does
// (gpu-check's gate, 1e-4), and twice the same bits.
func TestGPUWideNodesMatchEmulation(t *testing.T) {
	requireGPU(t)
	for _, dims := range []int{2, 3} {
		t.Run(fmt.Sprintf("%dD", dims), func(t *testing.T) {
			p := kernel.Defaults()
			p.Dims, p.Theta = dims, 0
			g := hubGraph(2000, hubs)
			want := displacements(t, newHostKernel(p), g, dims)
			got := displacements(t, newGPU(t, p), g, dims)
			t.Logf("largest relative error of a hub's move: %.2e", checkHubs(t, g, dims, want, got, 1e-4))
			if again := displacements(t, newGPU(t, p), g, dims); !slices.Equal(got, again) {
				t.Error("two GPU runs of the same tick differ")
			}
		})
	}
}

func vec(a []float32, n, dims, i int) []float32 {
	v := make([]float32, dims)
	for c := range v {
		v[c] = a[c*n+i]
	}
	return v
}
