package middleware

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// receiveStream is receive for a first attempt on a stream, whose record
// is found by its ack route's RequestId (env may be a copy that a
// middleware made: only the record's state counts, and that its Sender is
// still this Delivery's ack route). The state decides: still sent, the
// receiver takes it and runs the handler with an entry outside the window
// (endOwned settles it); promoted, the tracker owns it and the window
// path de-duplicates it against the re-sends; done, it was processed (a
// copy of the envelope), and is dropped. A delivery the stream cannot
// serve (a router's routee, a context that is not a trackedContext, acks
// routed elsewhere) promotes the record and takes the window path.
func (d *Delivery) receiveStream(ctx actor.ReceiverContext, env *actor.MessageEnvelope, sh *shortHeader, next actor.ReceiverFunc) {
	self := ctx.Self()
	if self == nil {
		next(ctx, env)
		return
	}
	seq := env.Sender.RequestId
	a := func() arrival {
		return arrival{id: sh.id(seq), short: true, attempt: 1, route: env.Sender, header: sh.header, msg: env.Message}
	}
	ours := d.ours(env.Sender)
	p := d.routes.get(seq)
	if p == nil || p.stream == nil {
		if d.routes.wasDone(seq) { // a copy of one processed on its stream
			if !ours {
				d.sendAck(env.Sender, messaging.Ack{ID: sh.id(seq), Status: messaging.StatusSuccess, Attempt: 1})
			}
			return
		}
		// No longer found (65536 sends later): acked by ID.
		d.handle(ctx, self, a(), next)
		return
	}
	tc, _ := ctx.(*trackedContext)
	if tc == nil || !ours || self.Id != p.stream.target.Id {
		// Not for the stream: a context without the decorator, acks
		// routed elsewhere (a middleware replaced the Sender: they go by
		// ID to it), or a router's routee.
		if p.state.Load() == streamDone && self.Id == p.stream.target.Id { // a copy, processed
			if !ours {
				d.sendAck(env.Sender, messaging.Ack{ID: p.id, Status: messaging.StatusSuccess, Attempt: 1})
			}
			return
		}
		d.promote(p)
		d.handle(ctx, self, a(), next)
		return
	}
	if !p.state.CompareAndSwap(streamSent, streamRecv) {
		if p.state.Load() != streamDone {
			d.promote(p) // waits until the tracker knows the ID
			d.handle(ctx, self, a(), next)
		}
		return
	}
	p.stream.takes.Add(1)
	e := tc.spare
	tc.spare = nil
	if e == nil {
		e = tc.newEntry()
	}
	// The handler gets an envelope of its own, as on the window path: the
	// short header, no Sender (a stream message has no reply-to). The
	// received one is left as it is: a middleware ahead may pass it on
	// again (then dropped, as done), and ReenterAfter keeps the handler's
	// for its continuation.
	e.reset(wkey{p.id, self.Id}, 1)
	e.stream, e.env = p, tc.newEnvelope()
	*e.env = actor.MessageEnvelope{Header: sh.header, Message: env.Message}
	d.run(ctx, tc, e, next)
}

// endStream ends e, a delivery taken from a stream, with r: a plain
// Success moves the record to done for the sweep, unless the timer
// promoted it meanwhile; anything else hands it over. It reports whether
// it ended e (then nothing references e).
func (d *Delivery) endStream(e *entry, r Reply) bool {
	p := e.stream
	if (r.Status == messaging.StatusUnknown || r.Status == messaging.StatusSuccess) && r.Reason == "" &&
		len(r.Metadata) == 0 {
		// Once done, p may be swept and reused at any moment: read what
		// is needed first.
		s, seq := p.stream, p.seq
		p.doneTake = s.takes.Load()
		if p.state.CompareAndSwap(streamRecv, streamDone) {
			e.stream = nil
			d.routes.removeDone(p, seq) // here, where the slot's cache line is at hand
			d.streams.markDirty(s)
			return true
		}
	}
	d.handOver(e)
	return false
}

// handOver moves e, a delivery taken from a stream, to the usual path:
// its record is promoted (unless the timer did it), and e joins the
// window as being processed, so that its ack goes by ID and re-sends are
// de-duplicated. Forward, Defer, a Retrying reply, and an end other than
// a plain Success call it before anything names the ID.
func (d *Delivery) handOver(e *entry) {
	p := e.stream
	if p == nil {
		return
	}
	e.stream = nil
	e.routeVal.Address, e.routeVal.Id, e.routeVal.RequestId = p.routePID.Address, p.routePID.Id, p.routePID.RequestId
	e.route = &e.routeVal
	d.promote(p)
	d.window.adopt(e, nanos())
}

// newEnvelope hands out a handler envelope from the actor's chunk, never
// reused: ReenterAfter keeps it for its continuation.
func (tc *trackedContext) newEnvelope() *actor.MessageEnvelope {
	if len(tc.envs) == 0 {
		tc.envs = make([]actor.MessageEnvelope, chunk)
	}
	env := &tc.envs[0]
	tc.envs = tc.envs[1:]
	return env
}

// newEntry hands out an entry from the actor's chunk.
func (tc *trackedContext) newEntry() *entry {
	if len(tc.entries) == 0 {
		tc.entries = make([]entry, chunk)
	}
	e := &tc.entries[0]
	tc.entries = tc.entries[1:]
	return e
}
