package middleware

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// modelDelivery is the reference model's record of one delivery.
type modelDelivery struct {
	status  messaging.Status // StatusUnknown while in progress
	reason  string
	attempt int
	at      time.Time
	fwd     bool
	e       *entry // the window's entry for this record
}

// windowModel is a deliberately simple window: a map of every delivery
// ever recorded, with the same verdict rules and age bound and no count
// bound. The window must agree with it on every verdict, except that it
// may have forgotten a delivery by count, never one of the newest.
type windowModel struct {
	m     map[wkey]*modelDelivery
	order []wkey // keys in the order they were recorded (process verdicts)
	age   time.Duration
}

func (md *windowModel) verdict(k wkey, attempt int, now time.Time) (verdict, *modelDelivery) {
	d, ok := md.m[k]
	if !ok || now.Sub(d.at) > md.age {
		return process, nil
	}
	switch {
	case d.fwd:
		return reforward, d
	case d.status == messaging.StatusUnknown:
		return inProgress, d
	case d.status != messaging.StatusFailed || attempt <= d.attempt:
		return reack, d
	}
	return process, d
}

// windowPattern generates the deliveries of one scenario.
type windowPattern struct {
	name     string
	prefixes int     // senders (random prefixes); 0: every ID random (a foreign sender)
	recvs    int     // receiving actors
	n        int     // first deliveries
	stride   int     // sequence numbers between one receiver's deliveries (1: contiguous)
	shuffle  int     // deliveries are shuffled within runs of this many (0: in order)
	skip     float64 // share of sequence numbers never delivered (gaps, lost messages)
	dup      float64 // share of steps that re-deliver an earlier delivery
	recent   int     // re-deliveries pick among the last recent deliveries (0: any, long after)
	count    int     // the window's count; the checks are exact when no eviction can happen
	step     time.Duration
	age      time.Duration
}

// TestWindowAgainstModel drives the window and the reference model with
// the same seeded deliveries (in order, shuffled, with gaps, strided by
// other receivers, from random foreign IDs, re-sent soon and long after,
// across the age bound and across eviction) and outcomes (plain Success,
// Success with a reason, PartialSuccess, Failed then retried, forwarded,
// deferred) and requires the same verdict and recorded outcome every time.
// With a count too small to keep everything, the window may have
// forgotten a delivery, but never one of the newest quarter of its count.
func TestWindowAgainstModel(t *testing.T) {
	const big = 1 << 20
	patterns := []windowPattern{
		{name: "in order", prefixes: 1, recvs: 1, n: 3000, stride: 1, dup: 0.2, count: big, step: time.Microsecond, age: time.Hour},
		{name: "shuffled", prefixes: 1, recvs: 1, n: 3000, stride: 1, shuffle: 100, dup: 0.2, count: big, step: time.Microsecond, age: time.Hour},
		{name: "gaps", prefixes: 2, recvs: 2, n: 3000, stride: 1, shuffle: 40, skip: 0.3, dup: 0.2, count: big, step: time.Microsecond, age: time.Hour},
		{name: "strided", prefixes: 3, recvs: 5, n: 3000, stride: 7, shuffle: 10, dup: 0.2, count: big, step: time.Microsecond, age: time.Hour},
		{name: "foreign IDs", prefixes: 0, recvs: 2, n: 2000, dup: 0.3, count: big, step: time.Microsecond, age: time.Hour},
		{name: "re-sent long after", prefixes: 2, recvs: 1, n: 5000, stride: 1, shuffle: 20, dup: 0.3, count: big, step: time.Microsecond, age: time.Hour},
		{name: "age", prefixes: 2, recvs: 2, n: 3000, stride: 1, shuffle: 30, skip: 0.1, dup: 0.3, count: big, step: time.Millisecond, age: 500 * time.Millisecond},
		{name: "eviction in order", prefixes: 1, recvs: 1, n: 6000, stride: 1, dup: 0.3, count: 2048, step: time.Microsecond, age: time.Hour},
		{name: "eviction shuffled", prefixes: 3, recvs: 3, n: 8000, stride: 1, shuffle: 50, skip: 0.2, dup: 0.3, count: 2048, step: time.Microsecond, age: time.Hour},
		{name: "eviction foreign", prefixes: 0, recvs: 2, n: 6000, dup: 0.3, count: 2048, step: time.Microsecond, age: time.Hour},
		{name: "eviction re-sent soon", prefixes: 2, recvs: 2, n: 8000, stride: 3, shuffle: 30, dup: 0.4, recent: 256, count: 1024, step: time.Microsecond, age: time.Hour},
	}
	for _, p := range patterns {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", p.name, seed), func(t *testing.T) {
				runWindowModel(t, p, seed)
			})
		}
	}
}

func runWindowModel(t *testing.T, p windowPattern, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 13))
	w := newWindow(p.count, p.age)
	md := &windowModel{m: make(map[wkey]*modelDelivery), age: p.age}
	now := time.Unix(5000, 0)
	exact := p.count >= p.n*2 // nothing can be evicted

	// The first deliveries, in the pattern's order.
	var firsts []wkey
	prefixes := make([][12]byte, p.prefixes)
	for i := range prefixes {
		for j := range prefixes[i] {
			prefixes[i][j] = byte(rng.Uint32())
		}
	}
	seqs := make([]uint32, len(prefixes))
	for len(firsts) < p.n {
		recv := fmt.Sprintf("r%d", rng.IntN(p.recvs))
		if p.prefixes == 0 {
			var id messaging.ID
			binary.LittleEndian.PutUint64(id[:8], rng.Uint64())
			binary.LittleEndian.PutUint64(id[8:], rng.Uint64())
			firsts = append(firsts, wkey{id, recv})
			continue
		}
		i := rng.IntN(len(prefixes))
		seqs[i] += uint32(p.stride)
		if rng.Float64() < p.skip {
			continue
		}
		firsts = append(firsts, seqKey(prefixes[i], seqs[i], recv))
	}
	if p.shuffle > 0 {
		for lo := 0; lo < len(firsts); lo += p.shuffle {
			run := firsts[lo:min(lo+p.shuffle, len(firsts))]
			rng.Shuffle(len(run), func(a, b int) { run[a], run[b] = run[b], run[a] })
		}
	}

	attempts := make(map[wkey]int)
	var open []*modelDelivery // in progress, not forwarded: to be ended
	var delivered []wkey
	fwdPID := actor.NewPID("elsewhere", "next")
	var spare *entry // a released entry, for the next fresh delivery
	next := 0
	for step := 0; next < len(firsts) || len(open) > 0; step++ {
		now = now.Add(time.Duration(rng.Int64N(int64(p.step) + 1)))
		if p.age < time.Hour && rng.IntN(500) == 0 {
			now = now.Add(p.age) // a pause: everything recorded before is too old
		}
		// End one delivery in progress now and then.
		if len(open) > 0 && (next == len(firsts) || rng.IntN(3) == 0) {
			i := rng.IntN(len(open))
			d := open[i]
			open[i] = open[len(open)-1]
			open = open[:len(open)-1]
			status, reason, meta := messaging.StatusSuccess, "", map[string]string(nil)
			switch r := rng.IntN(20); {
			case r == 0:
				status, reason = messaging.StatusFailed, "no"
			case r == 1:
				status, reason = messaging.StatusPartialSuccess, "half"
			case r == 2:
				reason = "fine"
			case r == 3:
				meta = map[string]string{"k": "v"}
			case r == 4: // forwarded: the next hop owns the ack
				if !w.handOff(d.e, fwdPID, false) {
					t.Fatalf("step %d: handOff refused", step)
				}
				d.fwd = true
				continue
			case r == 5: // deferred, then ended by the Deferred
				if !w.handOff(d.e, nil, true) {
					t.Fatalf("step %d: handOff refused", step)
				}
				if ok, _ := w.finishOwned(d.e, status, "", nil); ok {
					t.Fatalf("step %d: deferred entry still owned", step)
				}
				if !w.finish(d.e, status, reason, meta) {
					t.Fatalf("step %d: deferred finish refused", step)
				}
				d.status, d.reason = status, reason
				continue
			}
			ok, released := w.finishOwned(d.e, status, reason, meta)
			if !ok {
				t.Fatalf("step %d: finishOwned refused", step)
			}
			if released { // the window keeps no reference: reuse it, as the receiver does
				spare = d.e
			}
			d.status, d.reason = status, reason
			continue
		}
		if next == len(firsts) {
			continue
		}
		// A first delivery, or a re-delivery of an earlier one.
		var k wkey
		if len(delivered) > 0 && rng.Float64() < p.dup {
			from := 0
			if p.recent > 0 {
				from = max(0, len(delivered)-p.recent)
			}
			k = delivered[from+rng.IntN(len(delivered)-from)]
		} else {
			k = firsts[next]
			next++
			delivered = append(delivered, k)
		}
		attempts[k]++
		attempt := attempts[k]
		want, wd := md.verdict(k, attempt, now)
		got, e, was := w.beginWith(k, attempt, nil, now, spare)
		if got == process {
			spare = nil
		}
		if got != want {
			if got != process || exact || isRecent(md.order, k, p.count/4) {
				t.Fatalf("step %d: delivery %v/%s attempt %d: verdict %v, model %v (recorded %v)",
					step, k.id, k.recv, attempt, got, want, wd)
			}
			// Forgotten by count, which the bounds allow: follow the window.
		} else if got != process && (was.status != wd.status || was.reason != wd.reason || (was.fwd != nil) != wd.fwd) {
			t.Fatalf("step %d: delivery %v/%s: recorded %v %q fwd=%v, model %v %q fwd=%v",
				step, k.id, k.recv, was.status, was.reason, was.fwd != nil, wd.status, wd.reason, wd.fwd)
		}
		if got == process {
			d := &modelDelivery{attempt: attempt, at: now, e: e}
			md.m[k] = d
			md.order = append(md.order, k)
			open = append(open, d)
		}
	}
	if exact && p.age >= time.Hour && w.len() != len(md.m) {
		t.Errorf("len %d, model %d", w.len(), len(md.m))
	}
	if !exact && w.len() > p.count {
		t.Errorf("len %d > count %d", w.len(), p.count)
	}
}

// isRecent reports whether k is among the last n keys of order.
func isRecent(order []wkey, k wkey, n int) bool {
	for i := len(order) - 1; i >= 0 && i >= len(order)-n; i-- {
		if order[i] == k {
			return true
		}
	}
	return false
}
