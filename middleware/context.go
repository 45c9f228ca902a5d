package middleware

import "github.com/asynkron/protoactor-go/actor"

// trackedContext is the actor context PropsOption installs (a protoactor
// context decorator, one per actor). While a handler processes a tracked
// message it holds that delivery, so the handler's envelope needs no
// header naming it: IDOf, Reply, Defer and Forward find it here. An actor
// whose handler context is not one (a hand-made chain, or another
// decorator wrapping it) gets the full header instead.
type trackedContext struct {
	actor.Context
	cur     *entry                  // the delivery being processed; nil between messages
	spare   *entry                  // the last delivery's entry, released: reused for the next
	entries []entry                 // for deliveries from streams (streamrecv.go)
	envs    []actor.MessageEnvelope // their handler envelopes
}

// decorator returns the context decorator that makes a trackedContext.
func (d *Delivery) decorator() actor.ContextDecorator {
	return func(next actor.ContextDecoratorFunc) actor.ContextDecoratorFunc {
		return func(ctx actor.Context) actor.Context {
			return &trackedContext{Context: next(ctx)}
		}
	}
}

// processing returns the delivery ctx's handler is processing, if ctx is
// a trackedContext, else nil.
func processing(ctx any) *entry {
	if tc, ok := ctx.(*trackedContext); ok {
		return tc.cur
	}
	return nil
}
