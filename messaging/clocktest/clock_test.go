package clocktest_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/messaging/clocktest"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// log records timer firings as "name@offset", offset being the clock's
// reading inside the callback.
type log struct {
	c   *clocktest.Clock
	got []string
}

func (l *log) fn(name string) func() {
	return func() { l.got = append(l.got, fmt.Sprintf("%s@%v", name, l.c.Now().Sub(start))) }
}

func TestAdvanceFiresDueTimersInDeadlineOrderAtTheirOwnTime(t *testing.T) {
	c := clocktest.New(start)
	l := &log{c: c}
	c.AfterFunc(3*time.Second, l.fn("c"))
	c.AfterFunc(time.Second, l.fn("a"))
	c.AfterFunc(2*time.Second, l.fn("b"))
	c.AfterFunc(2*time.Second, l.fn("b2")) // same deadline: creation order
	c.AfterFunc(10*time.Second, l.fn("late"))
	assert.Equal(t, 5, c.Timers())

	c.Advance(999 * time.Millisecond)
	assert.Empty(t, l.got, "nothing is due before its deadline")
	c.Advance(2001 * time.Millisecond)
	assert.Equal(t, []string{"a@1s", "b@2s", "b2@2s", "c@3s"}, l.got)
	assert.Equal(t, start.Add(3*time.Second), c.Now(), "the clock ends at the target")
	assert.Equal(t, 1, c.Timers())
	next, ok := c.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, start.Add(10*time.Second), next)
}

func TestTimerArmedByACallbackFiresInTheSameAdvanceWhenDue(t *testing.T) {
	c := clocktest.New(start)
	l := &log{c: c}
	c.AfterFunc(time.Second, func() {
		l.fn("first")()
		c.AfterFunc(500*time.Millisecond, l.fn("chained")) // due at 1.5 s
		c.AfterFunc(5*time.Second, l.fn("beyond"))         // due at 6 s
		c.AfterFunc(0, l.fn("now"))                        // due at 1 s, after first
	})
	c.AfterFunc(2*time.Second, l.fn("second"))
	c.Advance(3 * time.Second)
	assert.Equal(t, []string{"first@1s", "now@1s", "chained@1.5s", "second@2s"}, l.got)
	assert.Equal(t, 1, c.Timers())
}

func TestStopSemantics(t *testing.T) {
	c := clocktest.New(start)
	l := &log{c: c}
	a := c.AfterFunc(time.Second, l.fn("a"))
	b := c.AfterFunc(time.Second, l.fn("b"))
	assert.True(t, a.Stop(), "Stop of an armed timer reports true")
	assert.False(t, a.Stop(), "a second Stop reports false")
	c.Advance(time.Hour)
	assert.Equal(t, []string{"b@1s"}, l.got, "a stopped timer never fires")
	assert.False(t, b.Stop(), "Stop after firing reports false")
	assert.Equal(t, 0, c.Timers())
}

func TestResetSemantics(t *testing.T) {
	c := clocktest.New(start)
	l := &log{c: c}
	a := c.AfterFunc(time.Second, l.fn("a"))
	c.Advance(500 * time.Millisecond)
	assert.True(t, a.Reset(time.Second), "Reset of an armed timer reports true")
	c.Advance(999 * time.Millisecond)
	assert.Empty(t, l.got, "Reset counts from the clock's reading, not the old deadline")
	c.Advance(time.Millisecond)
	assert.Equal(t, []string{"a@1.5s"}, l.got)

	assert.False(t, a.Reset(2*time.Second), "Reset of a fired timer reports false")
	c.Advance(2 * time.Second)
	assert.Equal(t, []string{"a@1.5s", "a@3.5s"}, l.got, "and re-arms it")

	a.Stop()
	assert.False(t, a.Reset(time.Second), "Reset of a stopped timer reports false")
	c.AfterFunc(time.Second, l.fn("b")) // same deadline as a, armed after it
	a.Reset(time.Second)                // re-armed: now after b
	c.Advance(time.Second)
	assert.Equal(t, []string{"a@1.5s", "a@3.5s", "b@4.5s", "a@4.5s"}, l.got)
}

func TestSetNeverMovesBackwards(t *testing.T) {
	c := clocktest.New(start)
	c.Advance(time.Minute)
	c.Set(start)
	assert.Equal(t, start.Add(time.Minute), c.Now())
	c.Advance(-time.Second)
	assert.Equal(t, start.Add(time.Minute), c.Now())
	l := &log{c: c}
	c.AfterFunc(-time.Second, l.fn("past")) // a deadline already passed fires at the next move
	c.Advance(0)
	assert.Equal(t, []string{"past@1m0s"}, l.got, "and sees the clock's reading, not its deadline")
}

func TestConcurrentUseIsSafe(t *testing.T) {
	c := clocktest.New(start)
	var mu sync.Mutex
	fired, stopped := 0, 0
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				tm := c.AfterFunc(time.Duration(i%7)*time.Millisecond, func() { mu.Lock(); fired++; mu.Unlock() })
				if i%3 == 0 && tm.Stop() {
					mu.Lock()
					stopped++
					mu.Unlock()
				}
				c.Advance(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	c.Advance(time.Second)
	assert.Positive(t, stopped)
	assert.Equal(t, 4*200-stopped, fired, "every timer fires exactly once unless Stop reported true")
	assert.Equal(t, 0, c.Timers())
}

var _ messaging.Clock = (*clocktest.Clock)(nil)
