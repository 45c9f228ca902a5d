//go:build unix

package cputime

import (
	"testing"
	"time"
)

// TestProcessCountsWork: a fixed amount of work on this goroutine makes
// the process's CPU time grow by at least what that work takes on a fast
// core. The work is 2^27 steps of a dependent multiply-add chain, at least
// 4 cycles each: over 100 ms at 5 GHz. A slower or loaded machine only
// makes the growth, or the wait, larger, so half of it is required.
func TestProcessCountsWork(t *testing.T) {
	const want = 50 * time.Millisecond
	before := Process()
	x := uint64(1)
	for range 1 << 27 {
		x = x*6364136223846793005 + 1442695040888963407
	}
	sink = x
	if d := time.Duration(Process() - before); d < want {
		t.Errorf("CPU time grew by %v over 2^27 multiply-adds, want at least %v", d, want)
	}
}

var sink uint64
