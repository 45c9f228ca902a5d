package middleware

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// TestTrackedAllocs: a tracked message in-process, sent, processed, acked
// and reported, costs at most 4 heap allocations and 450 bytes, counted
// over a stream of messages (as BenchmarkThroughput sends them): the
// sender's record and protoactor's envelope, the window's entry reused by
// the receiving actor, handler envelopes and window blocks in chunks.
func TestTrackedAllocs(t *testing.T) {
	const n, window = 20000, 512
	sys := newSystem(t)
	f := newFlight(window)
	var acked atomic.Int64
	done := make(chan struct{})
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) {
		f.release()
		if o.Result == messaging.ResultSuccess && acked.Add(1) == n {
			close(done)
		}
	}))
	_, count := sink(-1)
	pid := spawn(t, sys, actor.PropsFromFunc(count, d.PropsOption()))
	root := d.RootContext()
	msg := &testpb.Work{}
	send := func(k int) {
		for range k {
			f.acquire()
			root.Send(pid, msg)
		}
	}
	send(1000) // warm up: chunks, buffers, the tracker's slabs
	for acked.Load() < 1000 {
		runtime.Gosched()
	}
	acked.Store(0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	send(n)
	<-done
	runtime.ReadMemStats(&after)
	allocs := float64(after.Mallocs-before.Mallocs) / n
	bytes := float64(after.TotalAlloc-before.TotalAlloc) / n
	t.Logf("%.2f allocations, %.0f bytes per tracked message", allocs, bytes)
	if allocs > 4 || bytes > 450 {
		t.Errorf("%.2f allocations and %.0f bytes per tracked message, want at most 4 and 450", allocs, bytes)
	}
}
