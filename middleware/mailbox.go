package middleware

import (
	"reflect"
	"unsafe"

	rbqueue "github.com/Workiva/go-datastructures/queue"
	"github.com/asynkron/protoactor-go/actor"
)

// mailboxFull reports whether target is a local actor whose bounded
// mailbox cannot take a message without waiting. protoactor has no
// non-blocking send, and both of its bounded mailboxes can wait:
//   - actor.Bounded (blocking) when full: the sender waits until the actor
//     takes a message, and for ever when the actor has stopped with its
//     mailbox suspended;
//   - actor.BoundedDropping at its last free slot (Len = Cap-1): its Push
//     checks the length, then takes the oldest message out with a blocking
//     Get, which waits for ever when the actor empties the mailbox in
//     between (seen under load: a lane spinning in RingBuffer.Get).
//
// A re-send is not made into such a mailbox (it counts as a failed
// attempt). This reads protoactor's unexported fields (pinned by
// TestMailboxFull); it answers false for any other layout.
func mailboxFull(system *actor.ActorSystem, target *actor.PID) bool {
	if target.Address != system.Address() {
		return false
	}
	proc, ok := system.ProcessRegistry.GetLocal(target.Id)
	if !ok {
		return false
	}
	ap, ok := proc.(*actor.ActorProcess)
	if !ok {
		return false
	}
	mb := field(reflect.ValueOf(ap).Elem(), "mailbox")
	q := field(mb, "userMailbox")
	rb, ok := field(q, "userMailbox").Interface().(*rbqueue.RingBuffer)
	if !ok || rb == nil {
		return false
	}
	dropping := field(q, "dropping")
	if !dropping.IsValid() || dropping.Kind() != reflect.Bool {
		return false
	}
	if dropping.Bool() {
		return rb.Len() >= rb.Cap()-1
	}
	return rb.Len() >= rb.Cap()
}

// field returns v's (possibly unexported) field name, looking through
// interfaces and pointers; the zero Value when there is none.
func field(v reflect.Value, name string) reflect.Value {
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	f := v.FieldByName(name)
	if !f.IsValid() || !f.CanAddr() {
		return reflect.Value{}
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}
