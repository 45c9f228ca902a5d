package middleware

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// idN returns a distinct ID whose first and last bytes (the shard) are 0.
func idN(n int) messaging.ID {
	var id messaging.ID
	id[1], id[2], id[3] = byte(n), byte(n>>8), byte(n>>16)
	return id
}

// kN is delivery idN(n) at receiver "r".
func kN(n int) wkey { return wkey{idN(n), "r"} }

// TestWindowVerdicts: new IDs are processed; a done ID is re-acked with its
// outcome; one in progress gets Retrying; after Failed only a later
// attempt is processed again.
func TestWindowVerdicts(t *testing.T) {
	w := newWindow(1024, time.Minute)
	t0 := time.Unix(1000, 0)
	a, b := kN(1), kN(2)
	if v, _, _ := w.begin(a, 1, nil, t0); v != process {
		t.Fatalf("new ID: verdict %v", v)
	}
	if v, _, _ := w.begin(a, 2, nil, t0); v != inProgress {
		t.Fatalf("in progress: verdict %v", v)
	}
	_, e, _ := w.begin(b, 1, nil, t0)
	w.finish(e, messaging.StatusFailed, "no", nil)
	if v, _, was := w.begin(b, 1, nil, t0); v != reack || was.status != messaging.StatusFailed || was.reason != "no" {
		t.Fatalf("Failed, same attempt: %v %v %q", v, was.status, was.reason)
	}
	if v, _, _ := w.begin(b, 2, nil, t0); v != process {
		t.Fatalf("Failed, later attempt: verdict %v", v)
	}
	_, e, _ = w.begin(kN(3), 1, nil, t0)
	w.finish(e, messaging.StatusSuccess, "", nil)
	if v, _, was := w.begin(kN(3), 5, nil, t0); v != reack || was.status != messaging.StatusSuccess {
		t.Fatalf("Success: %v %v", v, was.status)
	}
}

// TestWindowBounds: the window remembers at least count/2 and at most
// count IDs, and forgets IDs older than its age.
func TestWindowBounds(t *testing.T) {
	const count = 16 * 64 // 32 per shard and generation
	w := newWindow(count, time.Minute)
	t0 := time.Unix(1000, 0)
	done := func(k wkey, now time.Time) {
		if v, e, _ := w.begin(k, 1, nil, now); v == process {
			w.finish(e, messaging.StatusSuccess, "", nil)
		}
	}
	const n = 1000 // all in shard 0, whose share is count/16 = 64
	for i := range n {
		done(kN(i), t0)
	}
	remembered := 0
	for i := range n {
		if e := w.find(kN(i)); e != nil {
			remembered++
		}
	}
	if remembered < 32 || remembered > 64 {
		t.Errorf("remembers %d IDs of shard 0, want 32..64", remembered)
	}
	if w.find(kN(n-1)) == nil || w.find(kN(0)) != nil {
		t.Error("should remember the newest and forget the oldest")
	}
	if n := w.len(); n > count {
		t.Errorf("len %d > count %d", n, count)
	}
	// Age: an ID older than the age bound is processed again.
	late := t0.Add(time.Minute + time.Second)
	if v, _, _ := w.begin(kN(n-1), 2, nil, late); v != process {
		t.Errorf("expired ID: verdict %v, want process", v)
	}
	// And the old generation is dropped once it is older than the age.
	for i := range 3 {
		done(kN(n+i), late.Add(2*time.Minute))
	}
	if w.find(kN(n-2)) != nil {
		t.Error("an expired generation is still remembered")
	}
}

// TestWindowKeepsNoMessage: the de-duplication window remembers
// deliveries, not messages: once their outcomes are in, sent messages can
// be collected, but for the few in the handler envelopes of the chunks
// still in use (at most one chunk per shard).
func TestWindowKeepsNoMessage(t *testing.T) {
	const n = 3000
	sys := newSystem(t)
	out := newOutcomes(n)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	pid := spawn(t, sys, worker(d, newCounter(), nil))
	var collected atomic.Int64
	for i := range int64(n) {
		w := &testpb.Work{Seq: i}
		runtime.AddCleanup(w, func(*atomic.Int64) { collected.Add(1) }, &collected)
		d.RootContext().Send(pid, w)
	}
	out.wait(t, n)
	out.mu.Lock()
	clear(out.byID) // the test's own copies of the outcomes
	out.mu.Unlock()
	bound := int64(n - 2*16*chunk)
	waitFor(t, "sent messages collected", func() bool {
		runtime.GC()
		return collected.Load() >= bound
	})
}
