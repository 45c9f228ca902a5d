package lossy

import (
	"log/slog"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// TestPanicEvery: the wrapped actor panics on every 3rd string, counted
// across the restarts the panics cause; other messages pass untouched.
func TestPanicEvery(t *testing.T) {
	// A short dead-letter throttle: protoactor runs its period on a
	// goroutine of its own, which goleak would otherwise see.
	sys := actor.NewActorSystem(actor.WithDeadLetterThrottleInterval(time.Millisecond),
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return slog.New(slog.DiscardHandler) }))
	defer sys.Shutdown()
	handled := make(chan string, 16)
	inner := func() actor.Actor {
		return actor.ReceiveFunc(func(ctx actor.Context) {
			switch m := ctx.Message().(type) {
			case string:
				handled <- m
			case int:
				handled <- "int"
			}
		})
	}
	prod, count := PanicEvery[string](inner, 3)
	pid := sys.Root.Spawn(actor.PropsFromProducer(prod))
	for _, m := range []any{"1", "2", "3", 0, "4", "5", "6", "7"} {
		sys.Root.Send(pid, m)
	}
	var got []string
	for len(got) < 6 {
		select {
		case m := <-handled:
			got = append(got, m)
		case <-time.After(10 * time.Second):
			t.Fatalf("handled %v", got)
		}
	}
	want := []string{"1", "2", "int", "4", "5", "7"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("handled %v, want %v (the 3rd and 6th strings panic)", got, want)
		}
	}
	if n := count.Load(); n != 7 {
		t.Errorf("count %d, want 7 strings seen", n)
	}
	_ = sys.Root.StopFuture(pid).Wait()
}
