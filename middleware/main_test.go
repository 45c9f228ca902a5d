package middleware

import (
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testDeadline bounds every wait in these tests.
const testDeadline = 30 * time.Second

// newSystem returns an actor system shut down at the end of the test. Its
// dead-letter throttle period is short, since protoactor runs that period
// on a goroutine of its own.
func newSystem(t testing.TB) *actor.ActorSystem {
	t.Helper()
	sys := actor.NewActorSystem(
		actor.WithDeadLetterThrottleInterval(time.Millisecond),
		actor.WithLoggerFactory(quietLogger),
	)
	t.Cleanup(sys.Shutdown)
	return sys
}

// fastPolicy times out quickly, for tests that wait on re-sends.
func fastPolicy(retries int) messaging.Policy {
	return messaging.Policy{
		Timeout:    50 * time.Millisecond,
		MaxRetries: retries,
		Backoff:    messaging.Backoff{Base: 10 * time.Millisecond, Multiplier: 2, Max: 80 * time.Millisecond},
	}
}

// outcomes collects Outcomes by ID.
type outcomes struct {
	mu   sync.Mutex
	byID map[messaging.ID]Outcome
	dup  int
	ch   chan Outcome
}

func newOutcomes(n int) *outcomes {
	return &outcomes{byID: make(map[messaging.ID]Outcome), ch: make(chan Outcome, n)}
}

func (o *outcomes) add(x Outcome) {
	o.mu.Lock()
	if _, ok := o.byID[x.ID]; ok {
		o.dup++
	}
	o.byID[x.ID] = x
	o.mu.Unlock()
	select {
	case o.ch <- x:
	default:
	}
}

// wait returns once n outcomes have arrived, or fails the test.
func (o *outcomes) wait(t testing.TB, n int) []Outcome {
	t.Helper()
	deadline := time.After(testDeadline)
	var got []Outcome
	for len(got) < n {
		select {
		case x := <-o.ch:
			got = append(got, x)
		case <-deadline:
			t.Fatalf("got %d of %d outcomes in %v", len(got), n, testDeadline)
		}
	}
	return got
}

// counter counts processing per key, safe for concurrent use.
type counter struct {
	mu sync.Mutex
	n  map[int64]int
}

func newCounter() *counter { return &counter{n: make(map[int64]int)} }

func (c *counter) inc(k int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[k]++
	return c.n[k]
}

func (c *counter) get(k int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

// checkOnce fails unless keys 0..n-1 were each processed exactly once.
func (c *counter) checkOnce(t testing.TB, n int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	bad := 0
	for k := range int64(n) {
		if c.n[k] != 1 {
			if bad < 5 {
				t.Errorf("message %d processed %d times", k, c.n[k])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d messages not processed exactly once", bad, n)
	}
}

func mustNew(t testing.TB, sys *actor.ActorSystem, opts ...Option) *Delivery {
	t.Helper()
	d, err := New(sys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// spawn spawns props from the root and stops the actor when the test ends.
func spawn(t testing.TB, sys *actor.ActorSystem, props *actor.Props) *actor.PID {
	t.Helper()
	pid := sys.Root.Spawn(props)
	t.Cleanup(func() { stop(t, sys, pid) })
	return pid
}

func stop(t testing.TB, sys *actor.ActorSystem, pid *actor.PID) {
	t.Helper()
	if _, err := sys.Root.StopFuture(pid).Result(); err != nil && !errors.Is(err, actor.ErrTimeout) {
		t.Fatal(fmt.Errorf("stop %v: %w", pid, err))
	}
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// quietLogger keeps protoactor's info logs (dead letters, restarts) out of
// test output.
func quietLogger(*actor.ActorSystem) *slog.Logger {
	return slog.New(slog.DiscardHandler)
}

// waitFor polls cond until it holds, or fails the test after testDeadline:
// for conditions that no event announces, such as a counter reaching a
// value.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(testDeadline)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("waited %v for %s", testDeadline, what)
		}
	}
}
