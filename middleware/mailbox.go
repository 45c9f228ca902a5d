package middleware

import (
	"reflect"
	"unsafe"

	rbqueue "github.com/Workiva/go-datastructures/queue"
	"github.com/asynkron/protoactor-go/actor"
)

// blockingMailboxFull reports whether target is a local actor whose
// mailbox is a full actor.Bounded (blocking) one. Sending there would block
// the sender until the actor takes a message, and for ever when the actor
// has stopped with its mailbox suspended. protoactor has no non-blocking
// send, so this reads its unexported fields (pinned by
// TestBlockingMailboxFull); it answers false for any other layout.
func blockingMailboxFull(system *actor.ActorSystem, target *actor.PID) bool {
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
	if dropping := field(q, "dropping"); !dropping.IsValid() || dropping.Kind() != reflect.Bool || dropping.Bool() {
		return false
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
