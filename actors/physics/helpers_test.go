package physics_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// wait bounds every wait; nothing in these tests sleeps.
const wait = 60 * time.Second

// world is a real actor system with a Delivery and one orchestrator.
type world struct {
	t      *testing.T
	sys    *actor.ActorSystem
	d      *middleware.Delivery
	pid    *actor.PID
	events chan *protocol.Event
	closed bool
}

// newWorld builds the system and Delivery; start spawns the orchestrator.
func newWorld(t *testing.T, policy *messaging.Policy) *world {
	t.Helper()
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}), actor.WithDeadLetterThrottleInterval(time.Millisecond))
	var over map[messaging.Kind]messaging.Policy
	if policy != nil {
		over = map[messaging.Kind]messaging.Policy{}
		for _, k := range protocol.Kinds() {
			over[k] = *policy
		}
	}
	d, err := middleware.New(sys, physics.DeliveryOptions(over)...)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, sys: sys, d: d, events: make(chan *protocol.Event, 1<<16)}
	t.Cleanup(w.close)
	return w
}

func (w *world) start(cfg physics.Config) {
	w.t.Helper()
	cfg.Delivery = w.d
	cfg.OnEvent = func(e *protocol.Event) {
		select {
		case w.events <- e:
		default:
			panic("test: event buffer full")
		}
	}
	pid, err := physics.Spawn(w.sys.Root, cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	w.pid = pid
}

// close stops the orchestrator, closes the Delivery and returns its
// summary; idempotent.
func (w *world) close() {
	if w.closed {
		return
	}
	w.closed = true
	if w.pid != nil {
		_ = w.sys.Root.StopFuture(w.pid).Wait()
	}
	w.d.Close()
	w.sys.Shutdown()
}

// until waits for an event of kind and returns it; other events are
// passed to seen (may be nil).
func (w *world) until(kind string, seen func(*protocol.Event)) *protocol.Event {
	w.t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case e := <-w.events:
			if seen != nil {
				seen(e)
			}
			if e.Kind == kind {
				return e
			}
			if e.Kind == physics.EventFailed {
				w.t.Fatalf("orchestrator gave up: %s", e.Reason)
			}
		case <-deadline:
			w.t.Fatalf("no %q event within %v", kind, wait)
			return nil
		}
	}
}

func (w *world) stats() *physics.Stats {
	w.t.Helper()
	r, err := w.sys.Root.RequestFuture(w.pid, &physics.GetStats{}, wait).Result()
	if err != nil {
		w.t.Fatal(err)
	}
	return r.(*physics.Stats)
}

// positions asks pid (orchestrator or ForceCompute) for its layout.
func (w *world) positions(pid *actor.PID) *protocol.PositionsFrame {
	w.t.Helper()
	r, err := w.sys.Root.RequestFuture(pid, &protocol.GetPositions{}, wait).Result()
	if err != nil {
		w.t.Fatal(err)
	}
	return r.(*protocol.PositionsFrame)
}

// reconcile closes the world and checks the delivery counts: every
// tracked message ended, none pending.
func (w *world) reconcile() messaging.Summary {
	w.t.Helper()
	if w.pid != nil {
		_ = w.sys.Root.StopFuture(w.pid).Wait()
		w.pid = nil
	}
	w.d.Close()
	s := w.d.Tracker().Summary()
	c := s.Totals
	if c.Sent != c.Acked()+c.Failed+c.Exhausted+c.Undeliverable+c.Abandoned || s.Pending != 0 {
		w.t.Errorf("delivery counts do not reconcile: sent %d, acked %d, failed %d, exhausted %d, undeliverable %d, abandoned %d, pending %d",
			c.Sent, c.Acked(), c.Failed, c.Exhausted, c.Undeliverable, c.Abandoned, s.Pending)
	}
	return s
}

// layoutCheck checks that the frame is a converged layout of g: finite,
// and edges not longer on average than a few rest lengths.
func layoutCheck(t *testing.T, g kernel.Graph, f *protocol.PositionsFrame, p kernel.Params) float64 {
	t.Helper()
	pos, err := protocol.Unpack(nil, f.Positions)
	if err != nil || len(pos) != p.Dims*g.Nodes {
		t.Fatalf("frame: %d values, %v; want %d", len(pos), err, p.Dims*g.Nodes)
	}
	s, err := kernel.Stress(&g, pos, p.Dims, 30, 1)
	if err != nil {
		t.Fatalf("stress: %v", err)
	}
	return s
}

// params are Defaults with a fixed worker count, so runs are repeatable.
func params() kernel.Params {
	p := kernel.Defaults()
	p.Workers = 2
	return p
}

// fast is a policy for fault runs: short timeouts, many retries.
func fast() *messaging.Policy {
	return &messaging.Policy{Timeout: 30 * time.Millisecond, MaxRetries: 20,
		Backoff: messaging.Backoff{Base: 2 * time.Millisecond, Multiplier: 2, Max: 30 * time.Millisecond}}
}
