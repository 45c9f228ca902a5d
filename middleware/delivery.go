package middleware

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// ErrDeadLetter is the error of a tracked message that became a dead
// letter (its target is stopped, unknown, or unreachable).
var ErrDeadLetter = errors.New("middleware: message became a dead letter")

// Delivery binds one messaging.Tracker to one actor system. Its sender
// and receiver middleware may be installed on any number of actors. It is
// safe for concurrent use.
type Delivery struct {
	system  *actor.ActorSystem
	cfg     config
	kinds   kinds
	tracker *messaging.Tracker
	plain   *actor.RootContext // no middleware: re-sends, acks
	root    *actor.RootContext // the application's, with the sender middleware
	routeID string             // the ack route's process ID
	routes  routes
	window  *window
	props   propsSet
	closed  atomic.Bool
}

// New returns a Delivery for system, with a Tracker of its own. Its
// defaults work as they are: messaging's policies, a de-duplication window
// of 65536 IDs or 10 minutes, dead letters ending messages at once.
func New(system *actor.ActorSystem, opts ...Option) (*Delivery, error) {
	if system == nil {
		return nil, errors.New("middleware: New: nil actor system")
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	d := &Delivery{system: system, cfg: cfg, kinds: make(kinds, len(cfg.types))}
	for _, r := range cfg.types {
		d.kinds[r.t] = r.kind
	}
	topts := append(append([]messaging.Option(nil), cfg.tracker...), messaging.WithOutcome(d.onOutcome))
	t, err := messaging.NewTracker(topts...)
	if err != nil {
		return nil, fmt.Errorf("middleware: New: %w", err)
	}
	d.tracker = t
	d.window = newWindow(cfg.dedupCount, cfg.dedupAge)
	if cfg.dedupOf != nil {
		d.window = cfg.dedupOf.window
	}
	d.routes.init()
	d.plain = actor.NewRootContext(system, nil)
	d.routeID = "protoack-acks" + system.ProcessRegistry.NextId()
	if _, ok := system.ProcessRegistry.Add(&ackRoute{d: d}, d.routeID); !ok {
		_ = t.Close()
		return nil, fmt.Errorf("middleware: New: process %q exists", d.routeID)
	}
	d.root = actor.NewRootContext(system, nil, d.SenderMiddleware())
	return d, nil
}

// Tracker returns the Delivery's tracker, for Summary, Pending and SetPolicy.
func (d *Delivery) Tracker() *messaging.Tracker { return d.tracker }

// RootContext returns a root context of the application's own, carrying
// the sender middleware: send tracked messages from outside actors with
// it. It never changes system.Root, through which protoactor's remote
// plumbing sends (any sender middleware there breaks remote).
func (d *Delivery) RootContext() *actor.RootContext { return d.root }

// Close reports every pending message as messaging.ResultAbandoned and
// removes the ack route. Acks arriving later are dropped. Close is
// idempotent.
func (d *Delivery) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	err := d.tracker.Close()
	d.system.ProcessRegistry.Remove(&actor.PID{Address: d.system.Address(), Id: d.routeID})
	return err
}

// onOutcome forgets the message's route and tells the application.
func (d *Delivery) onOutcome(o messaging.Outcome) {
	if p, ok := o.Data.(*pending); ok {
		d.routes.remove(p)
	}
	if d.cfg.onOutcome != nil {
		d.cfg.onOutcome(o)
	}
}
