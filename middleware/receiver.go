package middleware

import (
	"errors"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// ReceiverMiddleware returns the middleware that de-duplicates tracked
// messages and acks them. Untracked messages pass to next untouched.
//
// A tracked message whose ID was processed before is not processed again:
// the recorded outcome is acked again, unless it was Failed and this is a
// later attempt (the sender retrying), which is processed. After the
// handler returns, Success is acked unless the handler called Report; a
// panic acks Failed with the panic's text and then panics again, so
// supervision sees it as before.
func (d *Delivery) ReceiverMiddleware() actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			idText := env.GetHeader(HeaderID)
			if idText == "" || env.Sender == nil {
				next(ctx, env) // untracked, or no ack route: nothing to ack
				return
			}
			d.receive(ctx, env, idText, next)
		}
	}
}

func (d *Delivery) receive(ctx actor.ReceiverContext, env *actor.MessageEnvelope, idText string, next actor.ReceiverFunc) {
	id, err := messaging.ParseID(idText)
	if err != nil {
		d.cfg.log.Debug("protoack: bad ID header; processing untracked", "err", err)
		next(ctx, env)
		return
	}
	var replyTo *actor.PID
	if s := env.GetHeader(HeaderReplyTo); s != "" {
		replyTo = parsePID(s)
		if replyTo != nil && replyTo.Equal(env.Sender) {
			// A handler forwarded what it got (ctx.Forward) without
			// re-tracking it: the Sender is the original requester, not
			// an ack route.
			next(ctx, env)
			return
		}
	}
	attempt := parseAttempt(env.GetHeader(HeaderAttempt))
	route := env.Sender
	now := time.Now()
	v, e, status, reason := d.window.begin(id, attempt, route, now)
	switch v {
	case reack:
		d.sendAck(route, messaging.Ack{ID: id, Status: status, Reason: reason, Attempt: attempt, Time: now})
		return
	case inProgress:
		d.sendAck(route, messaging.Retrying(id, "in progress").WithAttempt(attempt))
		return
	}
	// The handler sees the envelope's own sender (HeaderReplyTo), not the
	// ack route; the received envelope is shared, so it is not changed. A
	// handler that forwards it (ctx.Forward) passes on no ack route: the
	// next receiver sees no Sender, or the requester, and does not ack.
	// The window keeps e, but not this envelope (nor so the payload): the
	// handler may Stash it.
	d.run(ctx, &actor.MessageEnvelope{Header: env.Header, Message: env.Message, Sender: replyTo}, e, next)
}

// run calls the handler and acks its outcome, also when it panics.
func (d *Delivery) run(ctx actor.ReceiverContext, env *actor.MessageEnvelope, e *entry, next actor.ReceiverFunc) {
	defer func() {
		if r := recover(); r != nil {
			d.end(e, messaging.StatusFailed, fmt.Sprint("panic: ", r))
			panic(r)
		}
	}()
	next(ctx, env)
	if e.reported != messaging.StatusUnknown {
		d.end(e, e.reported, e.repWhy)
		return
	}
	d.end(e, messaging.StatusSuccess, "")
}

// end records e's outcome and acks it.
func (d *Delivery) end(e *entry, status messaging.Status, reason string) {
	d.window.finish(e, status, reason)
	d.sendAck(e.route, messaging.Ack{ID: e.id, Status: status, Reason: reason, Attempt: e.attempt, Time: time.Now()})
}

// sendAck sends a to route through the Delivery's plain root context
// (a ReceiverContext has no Send). An ack to this Delivery's own route
// (the sender is in this process and uses this Delivery) skips protoactor
// and the protobuf form.
func (d *Delivery) sendAck(route *actor.PID, a messaging.Ack) {
	if route == nil {
		return
	}
	if d.cfg.ackLink == nil && route.Id == d.routeID && route.Address == d.system.Address() {
		d.acknowledge(route.RequestId, a)
		return
	}
	m := toProto(a)
	if l := d.cfg.ackLink; l != nil {
		l.carry(packet{ID: a.ID, Attempt: a.Attempt, Ack: true, Msg: m}, func() { d.plain.Send(route, m) })
		return
	}
	d.plain.Send(route, m)
}

// Report sets the outcome of the tracked message the handler is
// processing, instead of the Success acked when it returns:
// messaging.StatusPartialSuccess or messaging.StatusFailed (with a
// reason), or messaging.StatusRetrying, which acks at once to extend the
// sender's deadline while the handler keeps working. ctx is the handler's
// context; Report must be called from the handler, before it returns.
func (d *Delivery) Report(ctx interface {
	MessageHeader() actor.ReadonlyMessageHeader
}, status messaging.Status, reason string) error {
	id, ok := IDOf(ctx)
	if !ok {
		return errors.New("middleware: Report: the message is not tracked")
	}
	e := d.window.find(id)
	if e == nil || d.window.status(e) != messaging.StatusUnknown {
		return fmt.Errorf("middleware: Report: message %v is not being processed", id)
	}
	switch status {
	case messaging.StatusPartialSuccess, messaging.StatusFailed, messaging.StatusSuccess:
		e.reported, e.repWhy = status, reason
	case messaging.StatusRetrying:
		d.sendAck(e.route, messaging.Retrying(id, reason).WithAttempt(e.attempt))
	default:
		return fmt.Errorf("middleware: Report: invalid status %v", status)
	}
	return nil
}
