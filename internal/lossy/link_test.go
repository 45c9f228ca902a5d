package lossy_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/lossy"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// run sends one tracked message through a link with cfg to an actor that
// counts what reaches its handler, and returns the outcome, the count and
// the link's stats once want holds for them (a duplicate is delivered
// after the first delivery's ack may have ended the message) or 30 s
// have passed.
func run(t *testing.T, cfg lossy.Config, msg any, want func(lossy.Stats) bool) (middleware.Outcome, int64, lossy.Stats) {
	t.Helper()
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}), actor.WithDeadLetterThrottleInterval(time.Millisecond))
	defer sys.Shutdown()
	pol := messaging.Policy{Timeout: 10 * time.Millisecond, MaxRetries: 2,
		Backoff: messaging.Backoff{Base: time.Millisecond, Multiplier: 2, Max: 4 * time.Millisecond}}
	over := map[messaging.Kind]messaging.Policy{}
	for _, k := range protocol.Kinds() {
		over[k] = pol
	}
	out := make(chan middleware.Outcome, 1)
	d, err := middleware.New(sys, append(protocol.Options(over), middleware.WithOutcome(func(o middleware.Outcome) { out <- o }))...)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	link := lossy.New(sys, cfg)
	defer link.Close()
	var handled atomic.Int64
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*protocol.ComputeForces); ok {
			handled.Add(1)
		}
	}, actor.WithReceiverMiddleware(link.Middleware()), d.PropsOption()))
	defer func() { _ = sys.Root.StopFuture(pid).Wait() }()
	if _, err := d.Send(d.RootContext(), pid, msg); err != nil {
		t.Fatal(err)
	}
	select {
	case o := <-out:
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = link.WaitStats(ctx, want) // the caller judges the stats
		return o, handled.Load(), link.Stats()
	case <-time.After(30 * time.Second):
		t.Fatal("no outcome")
		return middleware.Outcome{}, 0, lossy.Stats{}
	}
}

func TestLink(t *testing.T) {
	cf := func() any { return &protocol.ComputeForces{Ticks: 1} }
	for _, c := range []struct {
		name    string
		cfg     lossy.Config
		msg     any
		result  messaging.Result
		handled int64
		check   func(lossy.Stats) bool
	}{
		{"all messages lost", lossy.Config{MsgLoss: 1}, cf(), messaging.ResultExhausted, 0,
			func(s lossy.Stats) bool { return s.MsgDropped == 3 && s.Delivered == 0 }},
		{"all acks lost", lossy.Config{AckLoss: 1}, cf(), messaging.ResultExhausted, 1,
			func(s lossy.Stats) bool { return s.Delivered == 3 && s.Acks == 3 && s.AckDropped == 3 }},
		{"every delivery twice", lossy.Config{Dup: 1}, cf(), messaging.ResultSuccess, 1,
			func(s lossy.Stats) bool { return s.Delivered == 1 && s.Duplicated == 1 && s.AckDropped == 0 }},
		{"only other messages", lossy.Config{MsgLoss: 1, AckLoss: 1, Only: func(m any) bool {
			_, ok := m.(*protocol.InitializeGPU)
			return ok
		}}, cf(), messaging.ResultSuccess, 1,
			func(s lossy.Stats) bool { return s == lossy.Stats{} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, handled, st := run(t, c.cfg, c.msg, c.check)
			if o.Result != c.result || handled != c.handled || !c.check(st) {
				t.Errorf("%v after %d attempts, handled %d, stats %+v; want %v, handled %d",
					o.Result, o.Attempts, handled, st, c.result, c.handled)
			}
		})
	}
}
