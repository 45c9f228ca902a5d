package middleware

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// SenderMiddleware returns the middleware that tracks outgoing messages.
// Untracked messages pass to next untouched. Install it innermost (after
// any other sender middleware), as PropsOptions does, so that a re-send
// carries what the first send put on the wire.
func (d *Delivery) SenderMiddleware() actor.SenderMiddleware {
	return func(next actor.SenderFunc) actor.SenderFunc {
		return func(ctx actor.SenderContext, target *actor.PID, env *actor.MessageEnvelope) {
			kind, ok := d.kinds.of(env.Message)
			if !ok || target == nil {
				next(ctx, target, env)
				return
			}
			d.send(ctx, target, env, kind, next)
		}
	}
}

// pending is one tracked message, from send to outcome.
type pending struct {
	d      *Delivery
	id     messaging.ID
	idText string
	kind   messaging.Kind
	target *actor.PID
	msg    any
	header map[string]string // the caller's headers, without protoack's
	route  *actor.PID        // ack route: &routePID
	// routePID names the Delivery's ack process, with RequestId = seq.
	routePID actor.PID
	self     *actor.PID // the sending actor, for WithAcksToActor
	seq      uint32
}

// send registers the message with the tracker, then sends it with headers
// and its ack route.
func (d *Delivery) send(ctx actor.SenderContext, target *actor.PID, env *actor.MessageEnvelope, kind messaging.Kind, next actor.SenderFunc) {
	p := &pending{d: d, kind: kind, target: target, msg: env.Message}
	if _, root := ctx.(*actor.RootContext); !root && d.cfg.acksToActor {
		p.self = ctx.Self()
	}
	p.id = d.tracker.NewID()
	p.idText = p.id.String()
	if len(env.Header) > 0 {
		p.header = make(map[string]string, len(env.Header))
		for k, v := range env.Header {
			switch k {
			case HeaderID, HeaderKind, HeaderAttempt, HeaderReplyTo:
			default:
				p.header[k] = v
			}
		}
	}
	if env.Sender != nil {
		if p.header == nil {
			p.header = make(map[string]string, 1)
		}
		p.header[HeaderReplyTo] = formatPID(env.Sender)
	}
	d.routes.add(p)
	p.routePID.Address, p.routePID.Id, p.routePID.RequestId = d.system.Address(), d.routeID, p.seq
	p.route = &p.routePID
	if _, err := d.tracker.Track(messaging.Message{ID: p.id, Kind: kind, Resend: p.resend, Data: p}); err != nil {
		// Not tracked (closed, or the pending cap): send as it came.
		d.routes.remove(p)
		d.cfg.log.Error("protoack: message sent untracked", "kind", kind, "target", target, "err", err)
		next(ctx, target, env)
		return
	}
	out := p.envelope(1)
	if d.cfg.msgLink == nil {
		next(ctx, target, out)
		return
	}
	d.cfg.msgLink.carry(packet{ID: p.id, Attempt: 1, Msg: p.msg}, func() { next(ctx, target, out) })
}

// envelope builds a fresh envelope for one attempt: in-process the
// receiver gets the very pointer sent, so attempts never share one.
func (p *pending) envelope(attempt int) *actor.MessageEnvelope {
	h := make(map[string]string, len(p.header)+3)
	for k, v := range p.header {
		h[k] = v
	}
	h[HeaderID] = p.idText
	h[HeaderKind] = string(p.kind)
	h[HeaderAttempt] = attemptText(attempt)
	return &actor.MessageEnvelope{Header: h, Message: p.msg, Sender: p.route}
}

// resend is the message's messaging.ResendFunc. It runs on the tracker's
// timer goroutine and sends through the Delivery's own plain root context,
// never through the sending actor's context.
func (p *pending) resend(_ messaging.ID, attempt int) error {
	env := p.envelope(attempt)
	if l := p.d.cfg.msgLink; l != nil {
		l.carry(packet{ID: p.id, Attempt: attempt, Msg: p.msg}, func() { p.d.plain.Send(p.target, env) })
		return nil
	}
	p.d.plain.Send(p.target, env)
	return nil
}
