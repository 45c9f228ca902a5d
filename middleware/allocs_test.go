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
// and reported, counted over a stream of messages (as BenchmarkThroughput
// sends them). On a stream it costs at most 2 heap allocations and 128
// bytes: protoactor's envelope, and handler envelopes in chunks; the
// record is one the sweep gave back. On the tracked path, at most 4 and
// 450: the sender's record and protoactor's envelope, the window's entry
// reused by the receiving actor, handler envelopes and window blocks in
// chunks.
func TestTrackedAllocs(t *testing.T) {
	for _, c := range []struct {
		name          string
		opts          []Option
		allocs, bytes float64
	}{
		{"stream", nil, 2, 128},
		{"tracked path", []Option{WithInProcessStreams(false)}, 4, 450},
	} {
		t.Run(c.name, func(t *testing.T) {
			allocs, bytes := trackedAllocs(t, c.opts...)
			t.Logf("%.2f allocations, %.0f bytes per tracked message", allocs, bytes)
			if allocs > c.allocs || bytes > c.bytes {
				t.Errorf("%.2f allocations and %.0f bytes per tracked message, want at most %v and %v", allocs, bytes, c.allocs, c.bytes)
			}
		})
	}
}

// trackedAllocs returns the heap allocations and bytes per tracked
// message over a stream of them, at most 512 pending.
func trackedAllocs(t *testing.T, opts ...Option) (allocs, bytes float64) {
	const n, window = 20000, 512
	sys := newSystem(t)
	f := newFlight(window)
	var acked atomic.Int64
	done := make(chan struct{})
	d := mustNew(t, sys, append(opts, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) {
		f.release()
		if o.Result == messaging.ResultSuccess && acked.Add(1) == n {
			close(done)
		}
	}))...)
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
	send(1000) // warm up: chunks, buffers, the tracker's slabs, records to reuse
	for acked.Load() < 1000 {
		runtime.Gosched()
	}
	acked.Store(0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	send(n)
	<-done
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / n, float64(after.TotalAlloc-before.TotalAlloc) / n
}
