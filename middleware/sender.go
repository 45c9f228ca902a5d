package middleware

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// SenderMiddleware returns the middleware that tracks outgoing messages.
// Untracked messages pass to next untouched. Install it innermost (after
// any other sender middleware), as PropsOption does, so that a re-send
// carries what the first send put on the wire.
//
// A handler's ctx.Forward of the tracked message it is processing passes
// the message on with its ID and ack route: the next hop acks the
// original sender, and this hop does not ack.
func (d *Delivery) SenderMiddleware() actor.SenderMiddleware {
	return func(next actor.SenderFunc) actor.SenderFunc {
		return func(ctx actor.SenderContext, target *actor.PID, env *actor.MessageEnvelope) {
			switch {
			case target == nil || d.ours(env.Sender):
				// Stamped already (Delivery.Send), or nowhere to go.
				next(ctx, target, env)
				return
			case len(env.Header) > 0 && env.Header[HeaderID] != "" && d.forward(ctx, target, env, next):
				return
			}
			kind, ok := d.kinds.of(env.Message)
			if !ok {
				next(ctx, target, env)
				return
			}
			if _, err := d.send(ctx, target, env, kind, next); err != nil {
				// ctx.Send has no error to return: send as it came, and say so.
				d.cfg.log.Error("protoack: message sent untracked", "kind", kind, "target", target, "err", err)
				next(ctx, target, env)
			}
		}
	}
}

// ours reports whether pid is this Delivery's ack route.
func (d *Delivery) ours(pid *actor.PID) bool {
	return pid != nil && pid.Id == d.routeID && pid.Address == d.system.Address()
}

// Send sends msg to target through ctx and returns its ID. A tracked msg
// is registered before it is sent; when the tracker refuses it (pending
// cap, Close), Send returns the error and sends nothing. An untracked msg
// is sent as ctx.Send would, with a zero ID. ctx is any sender context:
// an actor's (with or without the middleware) or a root context; the
// sending actor gets its outcome with WithOutcomesToActor.
func (d *Delivery) Send(ctx actor.SenderContext, target *actor.PID, msg any) (messaging.ID, error) {
	if target == nil {
		return messaging.ID{}, fmt.Errorf("middleware: Send %T: nil target", msg)
	}
	env, _ := msg.(*actor.MessageEnvelope)
	inner := msg
	if env != nil {
		inner = env.Message // an envelope sets the reply-to (Sender) and headers
	}
	kind, ok := d.kinds.of(inner)
	if !ok {
		ctx.Send(target, msg)
		return messaging.ID{}, nil
	}
	if env == nil {
		env = &actor.MessageEnvelope{Message: msg}
	}
	return d.send(ctx, target, env, kind, func(ctx actor.SenderContext, target *actor.PID, env *actor.MessageEnvelope) {
		ctx.Send(target, env)
	})
}

// pending is one tracked message, from send to outcome.
type pending struct {
	d      *Delivery
	id     messaging.ID
	kind   messaging.Kind
	target *actor.PID
	msg    any
	header map[string]string // the caller's headers, without protoack's
	// routePID, the ack route, names the Delivery's ack process with
	// RequestId = seq; envelopes point to it.
	routePID actor.PID
	self     *actor.PID // the sending actor, for WithOutcomesToActor and WithAcksToActor
	seq      uint32
	first    actor.MessageEnvelope // the first attempt's, when short

	// On a stream (stream.go): its stream, the send time on the
	// tracker's clock, the next record sent on the stream, the state, and
	// the stream's take count when it was done (streamrecv.go).
	stream   *stream
	start    time.Duration
	next     atomic.Pointer[pending]
	state    atomic.Uint32
	doneTake uint64
}

// send registers the message with the tracker, then sends it through next
// with its ID and ack route. On a refusal it sends nothing. A message with
// no headers of the caller's and no Sender (no Request) goes with the
// short form of its ID, in the Delivery's shared header (ids.go); others,
// and re-sends, with the full headers.
func (d *Delivery) send(ctx actor.SenderContext, target *actor.PID, env *actor.MessageEnvelope, kind messaging.Kind, next actor.SenderFunc) (messaging.ID, error) {
	if len(env.Header) == 0 && env.Sender == nil && d.streamable(target) {
		if id, ok, err := d.sendStream(ctx, target, env.Message, kind, next); ok {
			if err != nil {
				return messaging.ID{}, fmt.Errorf("middleware: %s not sent: %w", kind, err)
			}
			return id, nil
		}
	}
	p := &pending{d: d, kind: kind, target: target, msg: env.Message, self: d.sendingActor(ctx)}
	seq, id, sh := d.ids.take()
	p.seq, p.id = seq, id
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
	if _, err := d.tracker.Track(messaging.Message{ID: p.id, Kind: kind, Data: p}); err != nil {
		d.routes.remove(p)
		return messaging.ID{}, fmt.Errorf("middleware: %s not sent: %w", kind, err)
	}
	var out *actor.MessageEnvelope
	if p.header == nil {
		p.first = actor.MessageEnvelope{Header: sh.header, Message: p.msg, Sender: &p.routePID}
		out = &p.first
	} else {
		out = p.envelope(1)
	}
	if d.cfg.msgLink == nil {
		d.sendFirst(ctx, target, p, out, next)
		return p.id, nil
	}
	d.cfg.msgLink.carry(packet{ID: p.id, Attempt: 1, Msg: p.msg}, func() { d.sendFirst(ctx, target, p, out, next) })
	return p.id, nil
}

// sendingActor returns the actor sending through ctx, when the Delivery
// hands it outcomes or acks (WithOutcomesToActor, WithAcksToActor); nil
// otherwise, and for a root context.
func (d *Delivery) sendingActor(ctx actor.SenderContext) *actor.PID {
	if _, root := ctx.(*actor.RootContext); !root && d.toActor() {
		return ctx.Self()
	}
	return nil
}

// forward passes env, the tracked message ctx's handler is processing, on
// to target with its ID, attempt and ack route, handing the ack to the
// next hop. It returns false when env is not such a message (e.g. the app
// built an envelope with copied headers), which is then sent as new.
func (d *Delivery) forward(ctx actor.SenderContext, target *actor.PID, env *actor.MessageEnvelope, next actor.SenderFunc) bool {
	e := processing(ctx)
	if e == nil || e.env != env {
		self := ctx.Self()
		if self == nil {
			return false
		}
		id, err := messaging.ParseID(env.Header[HeaderID])
		if err != nil {
			return false
		}
		if e = d.window.find(wkey{id, self.Id}); e == nil || e.env != env {
			return false
		}
	}
	d.handOver(e) // a delivery from a stream: the next hop acks by ID
	if !d.window.handOff(e, target, false) {
		return false
	}
	next(ctx, target, &actor.MessageEnvelope{Header: env.Header, Message: env.Message, Sender: e.route})
	return true
}

// envelope builds a fresh envelope, with the full headers, for one
// attempt: in-process the receiver gets the very pointer sent, so
// attempts never share one.
func (p *pending) envelope(attempt int) *actor.MessageEnvelope {
	h := make(map[string]string, len(p.header)+3)
	for k, v := range p.header {
		h[k] = v
	}
	h[HeaderID] = p.id.String()
	h[HeaderKind] = string(p.kind)
	h[HeaderAttempt] = attemptText(attempt)
	return &actor.MessageEnvelope{Header: h, Message: p.msg, Sender: &p.routePID}
}

// Resend makes pending a messaging.Resender. It runs on the tracker's
// timer goroutine, so it only queues the send on the target's lane, which
// sends through the Delivery's own plain root context.
func (p *pending) Resend(_ messaging.ID, attempt int) error {
	return p.d.lanes.resend(p, attempt)
}
