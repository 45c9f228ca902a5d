package middleware

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

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
	system    *actor.ActorSystem
	cfg       config
	kinds     kinds
	tracker   *messaging.Tracker
	plain     *actor.RootContext // no middleware: re-sends, acks
	root      *actor.RootContext // the application's, with the sender middleware
	routeID   string             // the ack route's process ID
	routes    routes
	ids       idSource
	window    *window
	props     propsSet
	lanes     lanes
	batches   ackBatcher
	sendq     sendBatcher
	peers     peers // remote addresses that unpack batches
	local     localAcks
	outcomes  outcomeQueue
	untracked untrackedWarner
	streams   streamSet
	closed    atomic.Bool
}

// closeGrace bounds how long Close waits for a re-send that protoactor
// is still performing (a send into a full blocking mailbox).
const closeGrace = 2 * time.Second

// New returns a Delivery for system, with a Tracker of its own. Its
// defaults work as they are: messaging's default policy, a de-duplication
// window of 65536 deliveries or 10 minutes, dead letters ending messages
// at once. Inconsistent options (a policy for a kind nothing tracks, an
// outcome function in WithTrackerOptions) are errors.
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
	d := &Delivery{system: system, cfg: cfg}
	for _, r := range cfg.types {
		d.kinds.add(r.t, r.kind)
	}
	topts := []messaging.Option{messaging.WithLogger(cfg.log)}
	for k, p := range cfg.policies {
		topts = append(topts, messaging.WithPolicy(k, p))
	}
	topts = append(append(topts, cfg.tracker...), messaging.WithOutcome(d.onOutcome))
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
	d.batches.d, d.local.d = d, d
	d.ids.init()
	d.sendq.init(d, cfg.sendBatch)
	d.peers.init(d)
	d.lanes.init(d)
	d.plain = actor.NewRootContext(system, nil)
	d.routeID = "protoack-acks" + system.ProcessRegistry.NextId()
	if _, ok := system.ProcessRegistry.Add(&ackRoute{d: d}, d.routeID); !ok {
		_ = t.Close()
		return nil, fmt.Errorf("middleware: New: process %q exists", d.routeID)
	}
	if d.toApp() {
		d.outcomes.start(d.deliver)
	}
	d.streams.init(d)
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

// Close sends the messages and the acks still batched for other processes, reports every
// pending message as messaging.ResultAbandoned, stops re-sending, removes
// the ack route, and returns once every outcome was handed to the
// application. Acks arriving later are dropped. Close is
// idempotent.
func (d *Delivery) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	d.sendq.close() // the messages still batched go out, before the rest is abandoned
	d.batches.close()
	d.local.stop()    // acks already in apply before the rest is abandoned
	d.streams.close() // messages in flight on streams go to the tracker, to be abandoned
	err := d.tracker.Close()
	if !d.lanes.close(closeGrace) {
		d.cfg.log.Warn("protoack: Close: a re-send is still blocked in protoactor (a full blocking mailbox)")
	}
	d.system.ProcessRegistry.Remove(&actor.PID{Address: d.system.Address(), Id: d.routeID})
	d.peers.close(d)
	d.streams.stop() // the last sweep, before the outcome goroutine ends
	d.outcomes.close()
	return err
}

// toApp reports whether outcomes go anywhere beyond the tracker.
func (d *Delivery) toApp() bool { return d.cfg.onOutcome != nil || d.cfg.outcomesToActor }

// toActor reports whether sends must remember the sending actor.
func (d *Delivery) toActor() bool { return d.cfg.acksToActor || d.cfg.outcomesToActor }

// onOutcome forgets the message's route and queues its Outcome for the
// application. It runs on whatever goroutine ended the message.
func (d *Delivery) onOutcome(o messaging.Outcome) {
	if q, ok := d.settle(o); ok {
		d.outcomes.push(q.o, q.self)
	}
}

// onOutcomes is onOutcome for the drain's batch (localacks.go): the
// outcomes are queued for the application under one lock. buf is scratch
// space, returned for reuse.
func (d *Delivery) onOutcomes(os []messaging.Outcome, buf []queuedOutcome) []queuedOutcome {
	for i := range os {
		if q, ok := d.settle(os[i]); ok {
			buf = append(buf, q)
		}
	}
	d.outcomes.pushAll(buf)
	clear(buf) // no references kept
	return buf[:0]
}

// settle forgets the route of o's message and returns what the
// application is to get of o, if anything.
func (d *Delivery) settle(o messaging.Outcome) (queuedOutcome, bool) {
	p, _ := o.Data.(*pending)
	if p == nil {
		return queuedOutcome{}, false
	}
	d.routes.remove(p)
	if !d.toApp() {
		return queuedOutcome{}, false
	}
	o.Data = nil
	return queuedOutcome{Outcome{Outcome: o, Message: p.msg, Target: p.target}, p.self}, true
}

// deliver hands one outcome to the application, on the outcome goroutine.
func (d *Delivery) deliver(o *Outcome, self *actor.PID) {
	if d.cfg.outcomesToActor && self != nil {
		cp := *o
		d.plain.Send(self, &cp)
	}
	if d.cfg.onOutcome != nil {
		d.cfg.onOutcome(*o)
	}
}

// OutcomesToActor reports whether the Delivery was built with
// WithOutcomesToActor, for actors that rely on it.
func (d *Delivery) OutcomesToActor() bool { return d.cfg.outcomesToActor }
