package middleware

import (
	"encoding/binary"
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

// remembered reports whether w remembers delivery k at now (test only).
func (w *window) remembered(k wkey, now time.Time) bool {
	bk, slot, s := w.locate(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.block(bk)
	return b != nil && b.seen&(1<<slot) != 0 && int64(now.Sub(w.epoch))-b.at[slot] <= w.maxAge
}

// seqKey is delivery seq of prefix p at receiver recv, as a Delivery's
// IDs are made (ids.go).
func seqKey(p [12]byte, seq uint32, recv string) wkey {
	var id messaging.ID
	copy(id[:12], p[:])
	binary.BigEndian.PutUint32(id[12:], seq)
	return wkey{id, recv}
}

// TestWindowBounds: the window remembers at most count deliveries and at
// least count minus a block (15) per shard, the newest ones, and forgets
// deliveries older than its age.
func TestWindowBounds(t *testing.T) {
	const count = 16 * 64 // 64 per shard
	w := newWindow(count, time.Minute)
	t0 := time.Unix(1000, 0)
	done := func(k wkey, now time.Time) {
		if v, e, _ := w.begin(k, 1, nil, now); v == process {
			w.finish(e, messaging.StatusSuccess, "", nil)
		}
	}
	p := [12]byte{1, 2, 3}
	const n = 4000 // one sender's stream: consecutive blocks go to different shards
	for i := range uint32(n) {
		done(seqKey(p, i+1, "r"), t0)
	}
	remembered := 0
	for i := range uint32(n) {
		if w.remembered(seqKey(p, i+1, "r"), t0) {
			remembered++
		}
	}
	if remembered < count-16*15 || remembered > count {
		t.Errorf("remembers %d deliveries, want %d..%d", remembered, count-16*15, count)
	}
	for i := uint32(n - (count - 16*15)); i < n; i++ {
		if !w.remembered(seqKey(p, i+1, "r"), t0) {
			t.Fatalf("forgot seq %d, one of the %d newest", i+1, count-16*15)
		}
	}
	if w.remembered(seqKey(p, 1, "r"), t0) {
		t.Error("should forget the oldest")
	}
	if n := w.len(); n > count || n != remembered {
		t.Errorf("len %d, remembered %d, count %d", n, remembered, count)
	}
	// Age: a delivery older than the age bound is processed again.
	late := t0.Add(time.Minute + time.Second)
	if v, _, _ := w.begin(seqKey(p, n, "r"), 2, nil, late); v != process {
		t.Errorf("expired delivery: verdict %v, want process", v)
	}
	// And blocks whose last write is older than the age are dropped.
	for i := range uint32(3 * 16 * 16) {
		done(seqKey(p, n+1+i, "r"), late)
	}
	if got := w.len(); got > 3*16*16+1 {
		t.Errorf("len %d after the age passed, want at most %d", got, 3*16*16+1)
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
