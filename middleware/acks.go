package middleware

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/ackpb"
)

// ackRoute is the Delivery's ack sink: an actor.Process with no mailbox,
// registered in the system's ProcessRegistry. Every tracked message names
// it as Sender, with the message's sequence number as the PID's RequestId,
// so acks (locally or over remote) and protoactor's DeadLetterResponse
// come here.
type ackRoute struct{ d *Delivery }

var _ actor.Process = (*ackRoute)(nil)

func (a *ackRoute) SendUserMessage(pid *actor.PID, message any) {
	switch m := actor.UnwrapEnvelopeMessage(message).(type) {
	case *ackpb.Ack:
		a.d.onAck(pid, m)
	case *ackpb.Acks:
		a.d.onAcks(m)
	case *actor.DeadLetterResponse:
		a.d.onDeadLetter(pid)
	default:
		a.d.cfg.log.Debug("protoack: ack route dropped a message", "type", fmt.Sprintf("%T", m))
	}
}

func (a *ackRoute) SendSystemMessage(*actor.PID, any) {}

func (a *ackRoute) Stop(*actor.PID) {}

// onAck feeds an ack to the tracker and, with WithAcksToActor, to the
// actor that sent the message.
func (d *Delivery) onAck(pid *actor.PID, m *ackpb.Ack) {
	ack, ok := fromProto(m)
	if !ok {
		d.cfg.log.Debug("protoack: malformed ack dropped", "len(id)", len(m.GetId()))
		return
	}
	var seq uint32
	if pid != nil {
		seq = pid.RequestId
	}
	if m.GetBatches() {
		d.heard(seq, ack.ID)
	}
	d.acknowledge(seq, ack)
}

// acknowledge feeds ack, which came to the route with RequestId seq, to
// the tracker and, with WithAcksToActor, to the actor that sent the message.
func (d *Delivery) acknowledge(seq uint32, ack messaging.Ack) {
	d.promoteSeq(seq, ack.ID) // a stream record acked by another Delivery's receiver
	var self *actor.PID
	if d.cfg.acksToActor {
		if p := d.routes.get(seq); p != nil && p.id == ack.ID {
			self = p.self
		}
	}
	d.tracker.Acknowledge(ack)
	if self != nil {
		d.plain.Send(self, ack)
	}
}

// onDeadLetter ends (or re-sends, with DeadLetterRetry) the message, or
// each message of the batch (sendbatch.go), whose route got a
// DeadLetterResponse: fast failure, not a timeout chain.
func (d *Delivery) onDeadLetter(pid *actor.PID) {
	if pid == nil || d.sendq.deadLetter(pid.RequestId) {
		return
	}
	d.deadLetter(pid.RequestId)
}

// deadLetter ends (or re-sends) the message sent with seq as a dead letter.
func (d *Delivery) deadLetter(seq uint32) {
	p := d.routes.get(seq)
	if p == nil {
		return
	}
	if p.stream != nil {
		d.promote(p)
	}
	err := fmt.Errorf("%w: target %v", ErrDeadLetter, p.target)
	if d.cfg.deadLetter == DeadLetterRetry {
		d.tracker.Nack(p.id, err)
		return
	}
	d.tracker.Fail(p.id, err)
}

// toProto converts an ack for the wire.
func toProto(a messaging.Ack) *ackpb.Ack {
	id := a.ID
	return &ackpb.Ack{
		Id:       id[:],
		Status:   ackpb.Status(a.Status),
		Reason:   a.Reason,
		Attempt:  uint32(a.Attempt),
		UnixNano: a.Time.UnixNano(),
		Metadata: a.Metadata,
	}
}

// fromProto converts a wire ack; ok is false for a malformed one.
func fromProto(m *ackpb.Ack) (messaging.Ack, bool) {
	var id messaging.ID
	if len(m.GetId()) != len(id) {
		return messaging.Ack{}, false
	}
	copy(id[:], m.GetId())
	a := messaging.Ack{
		ID:       id,
		Status:   messaging.Status(m.GetStatus()),
		Reason:   m.GetReason(),
		Attempt:  int(m.GetAttempt()),
		Metadata: m.GetMetadata(),
	}
	if ns := m.GetUnixNano(); ns != 0 {
		a.Time = time.Unix(0, ns)
	}
	return a, true
}
