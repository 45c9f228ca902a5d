package middleware

import (
	"sync/atomic"
	"testing"
)

// flight bounds the messages a sending loop has in flight, for the
// throughput benchmarks, without a counter both sides write per message
// (a cache line bouncing between cores would be measured as the
// middleware's cost): the loop counts what it sent, the outcome goroutine
// what finished, and the loop reads that count only when its last reading
// says the bound may be reached. Once blocked, it resumes at half.
type flight struct {
	max      int64
	finished atomic.Int64 // written by the outcome goroutine alone
	waitAt   atomic.Int64 // the sent count the loop blocked at; 0: not blocked
	resume   chan struct{}
	sent     int64 // the loop's own
	seen     int64 // finished, as the loop last read it
}

func newFlight(max int64) *flight { return &flight{max: max, resume: make(chan struct{}, 1)} }

// acquire is called by the sending loop before each send; it blocks while
// max messages are in flight.
func (f *flight) acquire() {
	for f.sent-f.seen >= f.max {
		if f.seen = f.finished.Load(); f.sent-f.seen < f.max {
			break
		}
		f.waitAt.Store(f.sent)
		// A finish between the load above and the store is seen here.
		if f.seen = f.finished.Load(); f.sent-f.seen <= f.max/2 {
			if f.waitAt.CompareAndSwap(f.sent, 0) {
				break
			}
		}
		<-f.resume // a stale token only makes the loop check again
		f.seen = f.finished.Load()
	}
	f.sent++
}

// release is called once per outcome; it returns how many have finished.
func (f *flight) release() int64 {
	n := f.finished.Add(1)
	if w := f.waitAt.Load(); w != 0 && w-n <= f.max/2 && f.waitAt.CompareAndSwap(w, 0) {
		f.resume <- struct{}{}
	}
	return n
}

// TestFlightBound: the loop never has more than max in flight, and
// reaches it: the finishing goroutine holds the first max messages
// before it finishes any, then races the loop to the end.
func TestFlightBound(t *testing.T) {
	const n, bound = 200000, 64
	f := newFlight(bound)
	queue := make(chan struct{}, n)
	var inFlight atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		held, holding := 0, true
		for range queue {
			if held++; holding && held < bound {
				continue
			}
			holding = false // the first bound at once, then one by one
			for ; held > 0; held-- {
				inFlight.Add(-1)
				f.release()
			}
		}
	}()
	peak := int64(0)
	for range n {
		f.acquire()
		peak = max(peak, inFlight.Add(1))
		queue <- struct{}{}
	}
	close(queue)
	<-done
	if peak != bound {
		t.Errorf("peak in flight %d, want %d", peak, bound)
	}
	if got := f.finished.Load(); got != n {
		t.Errorf("%d finished, want %d", got, n)
	}
}
