package middleware

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// Reply is a handler's outcome for the tracked message it is processing.
type Reply struct {
	// Status is StatusSuccess (the zero value reads as Success),
	// StatusPartialSuccess or StatusFailed; StatusRetrying acks at once to
	// extend the sender's deadline while the work goes on.
	Status   messaging.Status
	Reason   string            // why, for PartialSuccess, Failed and Retrying
	Metadata map[string]string // carried in the ack to the sender's Outcome
}

// handlerContext is what Reply, Report and Defer need of a handler's
// context: an actor.Context or ReceiverContext.
type handlerContext interface {
	MessageHeader() actor.ReadonlyMessageHeader
	Self() *actor.PID
}

// Reply sets the outcome acked when the handler returns, instead of
// Success; with StatusRetrying it acks at once. ctx is the handler's
// context; call it from the handler, before it returns.
func (d *Delivery) Reply(ctx handlerContext, r Reply) error {
	e, err := d.current(ctx, "Reply")
	if err != nil {
		return err
	}
	switch r.Status {
	case messaging.StatusUnknown, messaging.StatusSuccess, messaging.StatusPartialSuccess, messaging.StatusFailed:
		e.reply = r
	case messaging.StatusRetrying:
		d.handOver(e) // a delivery from a stream: acked by ID from now on
		d.sendAck(e.route, messaging.Ack{ID: e.key.id, Status: r.Status, Reason: r.Reason, Attempt: e.attempt,
			Metadata: r.Metadata, Time: time.Now()})
	default:
		return fmt.Errorf("middleware: Reply: invalid status %v", r.Status)
	}
	return nil
}

// Report is Reply with a status and reason only.
func (d *Delivery) Report(ctx handlerContext, status messaging.Status, reason string) error {
	return d.Reply(ctx, Reply{Status: status, Reason: reason})
}

// current returns the entry of the tracked message ctx's handler is
// processing, while the receiver middleware still owns its ack.
func (d *Delivery) current(ctx handlerContext, op string) (*entry, error) {
	id, ok := IDOf(ctx)
	self := ctx.Self()
	if !ok || self == nil {
		return nil, fmt.Errorf("middleware: %s: the message is not tracked", op)
	}
	e := processing(ctx)
	if e == nil || e.key.id != id {
		e = d.window.find(wkey{id, self.Id})
	}
	if e == nil || !d.window.owned(e) {
		return nil, fmt.Errorf("middleware: %s: message %v is not being processed here (ended, forwarded or deferred)", op, id)
	}
	return e, nil
}

// Deferred is the ack of a tracked message that a handler took with it,
// to complete when work it handed to another goroutine or actor is done.
// Until then a re-send gets a Retrying ack; if it is never completed, the
// sender's policy times the message out as usual.
type Deferred struct {
	d    *Delivery
	e    *entry
	done atomic.Bool
}

// ErrCompleted is returned by a second Deferred.Reply.
var ErrCompleted = errors.New("middleware: deferred ack already completed")

// Defer takes over the ack of the tracked message ctx's handler is
// processing: nothing is acked when the handler returns. Complete it with
// Deferred.Reply, once, from any goroutine.
func (d *Delivery) Defer(ctx handlerContext) (*Deferred, error) {
	e, err := d.current(ctx, "Defer")
	if err != nil {
		return nil, err
	}
	d.handOver(e) // a delivery from a stream: the Deferred acks by ID
	if !d.window.handOff(e, nil, true) {
		return nil, fmt.Errorf("middleware: Defer: message %v already ended", e.key.id)
	}
	return &Deferred{d: d, e: e}, nil
}

// ID returns the message's ID.
func (f *Deferred) ID() messaging.ID { return f.e.key.id }

// Reply acks the message with r (the zero Status reads as Success);
// StatusRetrying acks at once and leaves the Deferred open. It is safe
// for concurrent use; after the first final Reply it returns ErrCompleted.
func (f *Deferred) Reply(r Reply) error {
	switch r.Status {
	case messaging.StatusRetrying:
		if f.done.Load() {
			return ErrCompleted
		}
		f.d.sendAck(f.e.route, messaging.Ack{ID: f.e.key.id, Status: r.Status, Reason: r.Reason, Attempt: f.e.attempt,
			Metadata: r.Metadata, Time: time.Now()})
		return nil
	case messaging.StatusUnknown, messaging.StatusSuccess, messaging.StatusPartialSuccess, messaging.StatusFailed:
	default:
		return fmt.Errorf("middleware: Deferred.Reply: invalid status %v", r.Status)
	}
	if f.done.Swap(true) || !f.d.end(f.e, r) {
		return ErrCompleted
	}
	return nil
}
