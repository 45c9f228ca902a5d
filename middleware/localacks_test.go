package middleware

import (
	"github.com/asynkron/protoactor-go/actor"
	"testing"

	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// TestCloseAppliesQueuedAcks: in-process acks are applied off the
// receiving actor; Close applies those still queued before it abandons
// what is left, so a message whose handler returned before Close ends
// Success, never Abandoned.
func TestCloseAppliesQueuedAcks(t *testing.T) {
	const n = 5000
	sys := newSystem(t)
	out := newOutcomes(n)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	c := newCounter()
	last := make(chan struct{})
	pid := spawn(t, sys, worker(d, c, func(_ actor.Context, w *testpb.Work) {
		if w.Seq == n-1 {
			close(last)
		}
	}))
	for i := range int64(n) {
		d.RootContext().Send(pid, &testpb.Work{Seq: i})
	}
	<-last // every handler but the last has returned, and acked
	c.checkOnce(t, n)
	d.local.mu.Lock()
	queued := len(d.local.acks)
	d.local.mu.Unlock()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	results := map[messaging.Result]int{}
	for _, o := range out.wait(t, n) {
		results[o.Result]++
	}
	// The last message may be Abandoned: its handler had not returned.
	if results[messaging.ResultSuccess] < n-1 {
		t.Errorf("outcomes %v, want at least %d Success (%d acks were queued at Close)", results, n-1, queued)
	}
	t.Logf("outcomes %v; %d acks queued at Close", results, queued)
}
