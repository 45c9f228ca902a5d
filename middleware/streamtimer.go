package middleware

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/protoack/protoack/messaging"
)

// streamTimer promotes stream records that reach their ack timeout while
// still sent or being processed; the tracker then re-sends or gives them
// up as it would have. It runs on the tracker's clock, armed for the
// earliest record's send plus the shortest Policy.Timeout of the
// Delivery's kinds: a record is never promoted late (an adaptive timeout
// only lengthens a kind's), and one promoted early gets its exact
// deadline from the Track dated back to its send.
type streamTimer struct {
	ss      *streamSet
	armed   atomic.Bool // a firing is due; sends arm it only when not
	mu      sync.Mutex  // guards the fields below
	at      time.Duration
	timer   messaging.Timer
	stopped bool
}

func (t *streamTimer) init(ss *streamSet) { t.ss = ss }

// walkHook, when set (tests), runs at each record the timer's walk visits.
var walkHook atomic.Pointer[func()]

// timeout is the shortest first-attempt ack timeout of the Delivery's kinds.
func (t *streamTimer) timeout() time.Duration {
	tr := t.ss.d.tracker
	var min time.Duration = -1
	for _, k := range t.ss.kinds {
		if to := tr.Policy(k).Timeout; min < 0 || to < min {
			min = to
		}
	}
	return max(min, 0)
}

// ensure arms the timer for a record sent now, unless it is armed.
func (t *streamTimer) ensure() {
	if !t.armed.Load() {
		t.arm(t.ss.d.tracker.Elapsed() + t.timeout())
	}
}

// arm makes the timer fire at at (on the tracker's clock), or earlier if
// it is armed for earlier.
func (t *streamTimer) arm(at time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped || (t.armed.Load() && t.at <= at) {
		return
	}
	t.armed.Store(true)
	t.at = at
	d := max(at-t.ss.d.tracker.Elapsed(), 0)
	if t.timer == nil {
		t.timer = t.ss.d.tracker.Clock().AfterFunc(d, t.fire)
	} else {
		t.timer.Reset(d)
	}
}

// fire promotes the records whose time is up, then arms for the earliest
// one left. A send after armed is cleared arms the timer itself, and one
// before it is in a stream when the walk below reads it.
func (t *streamTimer) fire() {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	t.armed.Store(false)
	t.mu.Unlock()
	streams := t.ss.snapshot(nil)
	d := t.ss.d
	now, timeout := d.tracker.Elapsed(), t.timeout()
	next := time.Duration(-1)
	t.ss.walk.RLock()
	defer t.ss.walk.RUnlock()
	for _, s := range streams {
		for p := s.head.Load().next.Load(); p != nil; p = p.next.Load() {
			if h := walkHook.Load(); h != nil {
				(*h)()
			}
			if st := p.state.Load(); st != streamSent && st != streamRecv {
				continue
			}
			if due := p.start + timeout; due > now {
				if next < 0 || due < next {
					next = due
				}
				break // later records were sent later
			}
			d.promote(p)
		}
	}
	if next >= 0 {
		t.arm(next)
	}
}

// stop stops the timer for good.
func (t *streamTimer) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	if t.timer != nil {
		t.timer.Stop()
	}
}
