package middleware

import (
	"runtime"
	"sync"
	"weak"

	"github.com/asynkron/protoactor-go/actor"
)

// PropsOption installs the Delivery on an actor's Props: its sender and
// receiver middleware, appended after any already there (so innermost:
// the sender middleware is closest to the wire, the receiver middleware
// closest to the handler), a context decorator that lets a handler's
// tracked message go without a per-message header, and a spawn middleware
// that does the same for every child the actor spawns. It is idempotent per Props: applying it
// again, or spawning many children from one Props, installs nothing twice.
//
//	props := actor.PropsFromProducer(newWorker, d.PropsOption())
func (d *Delivery) PropsOption() actor.PropsOption {
	return d.configure
}

// SpawnMiddleware returns the spawn middleware that applies PropsOption
// to each spawned actor's Props, to propagate tracking to children.
func (d *Delivery) SpawnMiddleware() actor.SpawnMiddleware {
	return func(next actor.SpawnFunc) actor.SpawnFunc {
		return func(system *actor.ActorSystem, id string, props *actor.Props, parent actor.SpawnerContext) (*actor.PID, error) {
			d.configure(props)
			return next(system, id, props, parent)
		}
	}
}

func (d *Delivery) configure(p *actor.Props) {
	if p == nil || !d.props.claim(p) {
		return
	}
	p.Configure(
		actor.WithSenderMiddleware(d.SenderMiddleware()),
		actor.WithReceiverMiddleware(d.ReceiverMiddleware()),
		actor.WithSpawnMiddleware(d.SpawnMiddleware()),
		actor.WithContextDecorator(d.decorator()),
	)
}

// propsSet remembers which Props a Delivery has configured, without
// keeping them alive: keys are weak pointers, removed when the Props is
// collected.
type propsSet struct {
	mu sync.Mutex
	m  map[weak.Pointer[actor.Props]]struct{}
}

// claim reports whether p was not in the set, adding it.
func (s *propsSet) claim(p *actor.Props) bool {
	w := weak.Make(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[w]; ok {
		return false
	}
	if s.m == nil {
		s.m = make(map[weak.Pointer[actor.Props]]struct{})
	}
	s.m[w] = struct{}{}
	runtime.AddCleanup(p, s.forget, w)
	return true
}

func (s *propsSet) forget(w weak.Pointer[actor.Props]) {
	s.mu.Lock()
	delete(s.m, w)
	s.mu.Unlock()
}

// size returns the number of Props remembered.
func (s *propsSet) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
