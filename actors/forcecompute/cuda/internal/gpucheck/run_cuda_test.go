//go:build cuda

package main

import (
	"regexp"
	"testing"
)

// With the host emulation standing in for the GPU, every gate passes, the
// tree's included: invariants and the same cells per warp as the host.
func TestEmulatedAsDevicePasses(t *testing.T) {
	// Quality at 300 nodes is too noisy for the 5% gate between two trees.
	code, s := runChildren(t, nil, append(append([]string{"-device", "emulated"}, small...), "-quality-sizes", "1000")...)
	if code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	for _, re := range []string{
		`emulation/3D/n300/seed1/theta0\.9/defaults/tree +root mass 300 of 300, inner nodes not reached twice 0, error bits 0; warps visiting as on the host 100\.00%, cells \d+ vs \d+ +ok`,
		`settled walk: cells per warp p50 \d+, p99\.9 \d+, max \d+ over 94 warps`,
		`settled tree: root mass 3000 of 3000, inner nodes not reached twice 0, error bits 0 +ok`,
		`SUMMARY: checks \d+ passed, 0 failed; goals: none timed; PASS`,
	} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("output lacks %s", re)
		}
	}
}
