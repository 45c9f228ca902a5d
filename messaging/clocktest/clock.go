// Package clocktest provides a manual messaging.Clock for deterministic tests:
// time moves only when the test calls Advance or Set, and due timers run in
// the caller's goroutine, in deadline order, each seeing its own due time.
package clocktest

import (
	"sort"
	"sync"
	"time"

	"github.com/protoack/protoack/messaging"
)

// Clock is a manual clock. It is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	seq    uint64
	timers []*timer
}

// New returns a clock reading start.
func New(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f to run when the clock has advanced by d.
func (c *Clock) AfterFunc(d time.Duration, f func()) messaging.Timer {
	t := &timer{c: c, f: f}
	c.mu.Lock()
	c.arm(t, d)
	c.mu.Unlock()
	return t
}

// Advance moves the clock forward by d, running every timer that falls due.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves the clock to t (never backwards), running every timer due by t.
func (c *Clock) Set(t time.Time) {
	for {
		c.mu.Lock()
		if len(c.timers) == 0 || c.timers[0].when.After(t) {
			if t.After(c.now) {
				c.now = t
			}
			c.mu.Unlock()
			return
		}
		next := c.timers[0]
		c.timers = c.timers[1:]
		next.armed = false
		if next.when.After(c.now) {
			c.now = next.when
		}
		c.mu.Unlock()
		next.f()
	}
}

// Timers returns the number of armed timers.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// NextDeadline returns when the earliest armed timer fires.
func (c *Clock) NextDeadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	return c.timers[0].when, true
}

// arm (re)inserts t, keeping c.timers sorted by (when, seq). c.mu is held.
func (c *Clock) arm(t *timer, d time.Duration) {
	c.seq++
	t.when, t.seq, t.armed = c.now.Add(d), c.seq, true
	i := sort.Search(len(c.timers), func(i int) bool {
		o := c.timers[i]
		return o.when.After(t.when) || (o.when.Equal(t.when) && o.seq > t.seq)
	})
	c.timers = append(c.timers, nil)
	copy(c.timers[i+1:], c.timers[i:])
	c.timers[i] = t
}

// disarm removes t if armed. c.mu is held.
func (c *Clock) disarm(t *timer) bool {
	if !t.armed {
		return false
	}
	for i, o := range c.timers {
		if o == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			break
		}
	}
	t.armed = false
	return true
}

type timer struct {
	c     *Clock
	f     func()
	when  time.Time
	seq   uint64
	armed bool
}

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	return t.c.disarm(t)
}

func (t *timer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.c.disarm(t)
	t.c.arm(t, d)
	return was
}
