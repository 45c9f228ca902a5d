// Package compare runs two force kernels side by side: the relative error of
// their first tick from the same start, and their layout quality after many
// ticks. The CUDA tests and gpu-check use it to hold the CUDA kernel (or its
// host emulation) to the CPU kernel.
package compare

import (
	"fmt"
	"math"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// FirstTick uploads g and c to a and b, takes one tick on each and returns
// the relative error of b's displacement against a's, |db - da| / |da| over
// all coordinates. After one tick from rest the displacement is
// alpha * DT^2 * Damping times the clamped force, so this is the relative
// error of the forces. The starting positions must agree exactly.
func FirstTick(a, b kernel.Kernel, g kernel.Graph, c kernel.Constraints, dims int) (float64, error) {
	e, _, err := FirstTickFrom(a, b, g, c, dims)
	return e, err
}

// FirstTickFrom is FirstTick that also returns the common start positions.
func FirstTickFrom(a, b kernel.Kernel, g kernel.Graph, c kernel.Constraints, dims int) (float64, []float32, error) {
	n := dims * g.Nodes
	var start, end [2][]float32
	for i, k := range [2]kernel.Kernel{a, b} {
		if err := k.Upload(g); err != nil {
			return 0, nil, fmt.Errorf("%s: Upload: %w", k.Name(), err)
		}
		if err := k.SetConstraints(c); err != nil {
			return 0, nil, fmt.Errorf("%s: SetConstraints: %w", k.Name(), err)
		}
		start[i], end[i] = make([]float32, n), make([]float32, n)
		if _, err := k.Positions(start[i]); err != nil {
			return 0, nil, fmt.Errorf("%s: Positions: %w", k.Name(), err)
		}
		if err := k.Step(1); err != nil {
			return 0, nil, fmt.Errorf("%s: Step: %w", k.Name(), err)
		}
		if _, err := k.Positions(end[i]); err != nil {
			return 0, nil, fmt.Errorf("%s: Positions: %w", k.Name(), err)
		}
	}
	for j := range start[0] {
		if start[0][j] != start[1][j] {
			return 0, nil, fmt.Errorf("start positions differ at %d: %s %v, %s %v", j, a.Name(), start[0][j], b.Name(), start[1][j])
		}
	}
	var diff, ref float64
	for j := range start[0] {
		da := float64(end[0][j]) - float64(start[0][j])
		db := float64(end[1][j]) - float64(start[1][j])
		diff += (db - da) * (db - da)
		ref += da * da
	}
	if ref == 0 {
		return 0, nil, fmt.Errorf("%s did not move any node", a.Name())
	}
	return math.Sqrt(diff / ref), start[0], nil
}

// Quality uploads g to k, runs ticks ticks and returns the edge-length
// coefficient of variation and the sampled stress (64 pivots, seed 1).
func Quality(k kernel.Kernel, g kernel.Graph, dims, ticks int) (edgeCV, stress float64, err error) {
	if err := k.Upload(g); err != nil {
		return 0, 0, fmt.Errorf("%s: Upload: %w", k.Name(), err)
	}
	if err := k.Step(ticks); err != nil {
		return 0, 0, fmt.Errorf("%s: Step: %w", k.Name(), err)
	}
	pos := make([]float32, dims*g.Nodes)
	if _, err := k.Positions(pos); err != nil {
		return 0, 0, fmt.Errorf("%s: Positions: %w", k.Name(), err)
	}
	if edgeCV, err = kernel.EdgeCV(&g, pos, dims); err != nil {
		return 0, 0, err
	}
	if stress, err = kernel.Stress(&g, pos, dims, 64, 1); err != nil {
		return 0, 0, err
	}
	return edgeCV, stress, nil
}

// RelDiff is |a - b| / max(|a|, |b|), 0 when both are 0.
func RelDiff(a, b float64) float64 {
	m := math.Max(math.Abs(a), math.Abs(b))
	if m == 0 {
		return 0
	}
	return math.Abs(a-b) / m
}
