package lossy

import (
	"fmt"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// PanicEvery wraps prod so that its actor panics on every nth message of
// type T, counted across restarts (the count survives the actor). It
// returns the producer and the count of T messages seen.
func PanicEvery[T any](prod actor.Producer, n int64) (actor.Producer, *atomic.Int64) {
	count := new(atomic.Int64)
	return func() actor.Actor { return &crashing[T]{prod(), n, count} }, count
}

type crashing[T any] struct {
	actor.Actor
	n     int64
	count *atomic.Int64
}

func (c *crashing[T]) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(T); ok && c.count.Add(1)%c.n == 0 {
		panic(fmt.Sprintf("lossy: every %dth %T", c.n, ctx.Message()))
	}
	c.Actor.Receive(ctx)
}
