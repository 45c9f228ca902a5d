package middleware

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/ackpb"
)

// ReceiverMiddleware returns the middleware that de-duplicates tracked
// messages and acks them. Untracked messages pass to next untouched.
//
// A delivery is a message ID at one receiving actor; each is processed at
// most once. A repeat is not processed again: the recorded outcome is
// acked again, unless it was Failed and this is a later attempt (the
// sender retrying), which is processed; one still being processed gets a
// Retrying ack; one that was forwarded is forwarded again. After the
// handler returns, its outcome is acked (Success unless it called Reply
// or Report), unless it forwarded the message or deferred the ack. A
// panic acks Failed with the panic's text and then panics again, so
// supervision sees it as before.
func (d *Delivery) ReceiverMiddleware() actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			if sh := d.ids.short.Load(); sh != nil && env.Sender != nil && sameMap(env.Header, sh.stream) {
				d.receiveStream(ctx, env, sh, next) // streamrecv.go
				return
			}
			if id, ok := d.ids.ownShortID(env.Header, env.Sender); ok {
				d.receiveOwn(ctx, env, id, next) // sent by this Delivery, in the short form
				return
			}
			idText := env.GetHeader(HeaderID)
			if idText == "" || env.Sender == nil {
				if b, ok := env.Message.(*ackpb.Batch); ok && idText == "" {
					d.receiveBatch(ctx, env.Sender, b, next) // recvbatch.go
					return
				}
				if idText == "" {
					d.untracked.note(d, env.Message)
				}
				next(ctx, env) // untracked, or no ack route: nothing to ack
				return
			}
			d.receive(ctx, env, idText, next)
		}
	}
}

// receiveOwn is receive for a first attempt this Delivery sent in the
// short form (ids.go), whose ID it has rebuilt already.
func (d *Delivery) receiveOwn(ctx actor.ReceiverContext, env *actor.MessageEnvelope, id messaging.ID, next actor.ReceiverFunc) {
	self := ctx.Self()
	if self == nil {
		next(ctx, env)
		return
	}
	d.handle(ctx, self, arrival{id: id, short: true, attempt: 1, route: env.Sender, header: env.Header, msg: env.Message}, next)
}

func (d *Delivery) receive(ctx actor.ReceiverContext, env *actor.MessageEnvelope, idText string, next actor.ReceiverFunc) {
	self := ctx.Self()
	id, short := shortID(idText, env.Sender)
	var err error
	if !short {
		id, err = messaging.ParseID(idText)
	}
	if err != nil || self == nil {
		d.cfg.log.Debug("protoack: bad ID header; processing untracked", "err", err)
		next(ctx, env)
		return
	}
	// A short form is a first attempt with no reply-to (see ids.go).
	var replyTo *actor.PID
	attempt := 1
	if !short {
		if s := env.GetHeader(HeaderReplyTo); s != "" {
			replyTo = parsePID(s)
			if replyTo != nil && replyTo.Equal(env.Sender) {
				// Forwarded by an actor without the middleware: the Sender is
				// the original requester, not an ack route. That hop acked.
				next(ctx, env)
				return
			}
		}
		attempt = parseAttempt(env.GetHeader(HeaderAttempt))
	}
	d.handle(ctx, self, arrival{id: id, short: short, attempt: attempt, replyTo: replyTo, route: env.Sender,
		header: env.Header, msg: env.Message}, next)
}

// arrival is one tracked message as it arrived: alone, or as an item of a
// batch (recvbatch.go).
type arrival struct {
	id      messaging.ID
	short   bool // header names the ID in the short form
	attempt int
	replyTo *actor.PID // the handler's Sender
	route   *actor.PID // the ack route
	scratch bool       // route is reused for the next arrival: copy it to keep it
	header  map[string]string
	msg     any
	at      time.Time // when it arrived, if known (a batch's messages share it)
}

// handle de-duplicates a at the receiving actor self, then processes it,
// or re-acks or re-forwards it.
func (d *Delivery) handle(ctx actor.ReceiverContext, self *actor.PID, a arrival, next actor.ReceiverFunc) {
	id, attempt, route := a.id, a.attempt, a.route
	var t int64 // nanos()
	if a.at.IsZero() {
		t = nanos()
	} else {
		t = int64(a.at.Sub(monoBase))
	}
	tc, _ := ctx.(*trackedContext)
	var spare *entry
	if tc != nil {
		spare, tc.spare = tc.spare, nil
	}
	v, e, was := d.window.beginAt(wkey{id, self.Id}, attempt, route, t, spare)
	if v != process && tc != nil {
		tc.spare = spare // not used
	}
	if v != process && a.scratch {
		route = &actor.PID{Address: route.Address, Id: route.Id, RequestId: route.RequestId} // sent on: its own
	}
	switch v {
	case reack:
		d.sendAck(route, messaging.Ack{ID: id, Status: was.status, Reason: was.reason, Attempt: attempt, Time: at(t), Metadata: was.meta})
		return
	case inProgress:
		d.sendAck(route, messaging.Retrying(id, "in progress").WithAttempt(attempt))
		return
	case reforward:
		d.plain.Send(was.fwd, &actor.MessageEnvelope{Header: a.header, Message: a.msg, Sender: route})
		return
	}
	// The handler sees the envelope's own sender (HeaderReplyTo), not the
	// ack route; the received envelope is shared, so it is not changed.
	// The window keeps the handler's envelope address only to recognise a
	// Forward of it; ReenterAfter keeps it. A short-form ID needs the
	// handler's context to be a trackedContext (IDOf reads it there);
	// otherwise the handler's envelope gets the full header.
	*e.env = actor.MessageEnvelope{Header: a.header, Message: a.msg, Sender: a.replyTo}
	if a.short && tc == nil {
		e.env.Header = fullHeader(a.header, id)
	}
	d.run(ctx, tc, e, next)
}

// fullHeader returns a copy of h with HeaderID in the full form.
func fullHeader(h map[string]string, id messaging.ID) map[string]string {
	f := make(map[string]string, len(h))
	for k, v := range h {
		f[k] = v
	}
	f[HeaderID] = id.String()
	return f
}

// run calls the handler and acks its outcome, also when it panics, unless
// the handler forwarded the message or deferred its ack. With a
// trackedContext tc, the handler's context holds e meanwhile.
func (d *Delivery) run(ctx actor.ReceiverContext, tc *trackedContext, e *entry, next actor.ReceiverFunc) {
	env := e.env
	var prev *entry
	if tc != nil {
		prev, tc.cur = tc.cur, e
	}
	reuse := false
	defer func() {
		e.env = nil
		if tc != nil {
			tc.cur = prev
			if reuse {
				tc.spare = e
			}
		}
		if r := recover(); r != nil {
			d.endOwned(e, Reply{Status: messaging.StatusFailed, Reason: fmt.Sprint("panic: ", r)})
			panic(r)
		}
	}()
	next(ctx, env)
	reuse = d.endOwned(e, e.reply)
}

// endOwned is end, when the receiver middleware still owns e's ack (the
// handler neither forwarded it nor deferred it). It reports whether e may
// be reused for the actor's next delivery: the window released it, and
// its final ack went to this Delivery's own route or to the batches for
// another process, which keep no reference to it.
func (d *Delivery) endOwned(e *entry, r Reply) (reuse bool) {
	if e.stream != nil && d.endStream(e, r) {
		return true
	}
	if r.Status == messaging.StatusUnknown {
		r.Status = messaging.StatusSuccess
	}
	ok, released := d.window.finishOwned(e, r.Status, r.Reason, r.Metadata)
	if !ok {
		return false
	}
	d.ackEnd(e, r)
	return released && r.Status.Final() && (d.ownRoute(e.route) || d.remoteRoute(e.route))
}

// ownRoute reports whether acks to route are this Delivery's in-process
// acks (localacks.go), which copy what they need.
func (d *Delivery) ownRoute(route *actor.PID) bool {
	return route != nil && d.cfg.ackLink == nil && route.Id == d.routeID && route.Address == d.system.Address()
}

// remoteRoute reports whether final acks to route go to the batches for
// other processes (ackbatch.go), which copy what they need.
func (d *Delivery) remoteRoute(route *actor.PID) bool {
	return route != nil && d.cfg.ackLink == nil && route.Address != d.system.Address()
}

// end records e's outcome and acks it; a second end of e does nothing.
func (d *Delivery) end(e *entry, r Reply) bool {
	if r.Status == messaging.StatusUnknown {
		r.Status = messaging.StatusSuccess
	}
	if !d.window.finish(e, r.Status, r.Reason, r.Metadata) {
		return false
	}
	d.ackEnd(e, r)
	return true
}

// ackEnd acks e's recorded outcome r; sendAck stamps its time.
func (d *Delivery) ackEnd(e *entry, r Reply) {
	d.sendAck(e.route, messaging.Ack{ID: e.key.id, Status: r.Status, Reason: r.Reason, Attempt: e.attempt,
		Metadata: r.Metadata})
}

// sendAck sends a to route through the Delivery's plain root context
// (a ReceiverContext has no Send). An ack to this Delivery's own route
// (the sender is in this process and uses this Delivery) skips protoactor
// and the protobuf form, and is applied off the receiving actor
// (localacks.go); a final ack to another process goes in a batch
// (ackbatch.go).
func (d *Delivery) sendAck(route *actor.PID, a messaging.Ack) {
	if route == nil {
		return
	}
	if d.ownRoute(route) {
		d.local.add(route.RequestId, a) // stamped there, a batch at a time
		return
	}
	if a.Time.IsZero() {
		a.Time = now()
	}
	if d.cfg.ackLink == nil && route.Address != d.system.Address() && a.Status.Final() {
		d.batches.add(route, a)
		return
	}
	m := d.wireAck(a)
	if l := d.cfg.ackLink; l != nil {
		l.carry(packet{ID: a.ID, Attempt: a.Attempt, Ack: true, Msg: m}, func() { d.plain.Send(route, m) })
		return
	}
	d.plain.Send(route, m)
}
