package cputime

import (
	"runtime"
	"testing"
	"time"
)

// TestProcessCountsWork: spinning for a while on this goroutine adds at
// least part of that time to the process's CPU time, and it never goes
// back.
func TestProcessCountsWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no CPU time on " + runtime.GOOS)
	}
	before := Process()
	start := time.Now()
	x := uint64(1)
	for time.Since(start) < 200*time.Millisecond {
		for range 1000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink = x
	after := Process()
	// A tenth of the spin: generous for a loaded machine, where the goroutine
	// may wait for a core part of the time.
	if d := after - before; d < int64(20*time.Millisecond) {
		t.Errorf("CPU time grew by %v over a 200 ms spin", time.Duration(d))
	}
}

var sink uint64
