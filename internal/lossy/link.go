package lossy

import (
	"context"
	"math/rand/v2"
	"sync"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/middleware"
)

// Config sets the link's probabilities, each in [0, 1], and its seed.
type Config struct {
	MsgLoss float64 // a tracked message delivery is dropped
	AckLoss float64 // an ack is dropped
	Dup     float64 // a delivered tracked message is delivered twice
	Seed    uint64
	// Only, when set, limits loss and duplication to messages it accepts;
	// the others pass untouched (their acks too).
	Only func(msg any) bool
}

// Stats counts what the link did.
type Stats struct {
	Delivered, MsgDropped, Duplicated, Acks, AckDropped int
}

// Link is one lossy link; its middleware may be installed on one actor
// (and its restarts). Close removes its ack process.
type Link struct {
	cfg   Config
	sys   *actor.ActorSystem
	plain *actor.RootContext
	id    string

	mu      sync.Mutex
	rnd     *rand.Rand
	routes  map[uint32]*actor.PID // the real ack route by RequestId
	stats   Stats
	changed chan struct{} // closed and replaced when stats change
}

// New registers the link's ack process in sys.
func New(sys *actor.ActorSystem, cfg Config) *Link {
	l := &Link{
		cfg: cfg, sys: sys, plain: actor.NewRootContext(sys, nil),
		rnd:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		routes:  make(map[uint32]*actor.PID),
		changed: make(chan struct{}),
	}
	l.id = "lossy-acks" + sys.ProcessRegistry.NextId()
	sys.ProcessRegistry.Add(ackProcess{l}, l.id)
	return l
}

// Close removes the ack process; acks routed through it are then lost.
func (l *Link) Close() {
	l.sys.ProcessRegistry.Remove(&actor.PID{Address: l.sys.Address(), Id: l.id})
}

// Stats returns the counts so far.
func (l *Link) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// WaitStats returns once ok holds for the counts, or ctx's error.
func (l *Link) WaitStats(ctx context.Context, ok func(Stats) bool) error {
	for {
		l.mu.Lock()
		st, c := l.stats, l.changed
		l.mu.Unlock()
		if ok(st) {
			return nil
		}
		select {
		case <-c:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// changedLocked wakes WaitStats; l.mu is held.
func (l *Link) changedLocked() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// Middleware returns the receiver middleware; install it before the
// Delivery's (actor.WithReceiverMiddleware, then Delivery.PropsOption).
func (l *Link) Middleware() actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			if env.GetHeader(middleware.HeaderID) == "" || env.Sender == nil ||
				(l.cfg.Only != nil && !l.cfg.Only(env.Message)) {
				next(ctx, env)
				return
			}
			drop, dup := l.draw(l.cfg.MsgLoss), false
			l.mu.Lock()
			if drop {
				l.stats.MsgDropped++
			} else {
				l.stats.Delivered++
				l.routes[env.Sender.RequestId] = env.Sender
			}
			l.changedLocked()
			l.mu.Unlock()
			if drop {
				return
			}
			dup = l.draw(l.cfg.Dup)
			via := &actor.PID{Address: l.sys.Address(), Id: l.id, RequestId: env.Sender.RequestId}
			next(ctx, &actor.MessageEnvelope{Header: env.Header, Message: env.Message, Sender: via})
			if dup {
				l.mu.Lock()
				l.stats.Duplicated++
				l.changedLocked()
				l.mu.Unlock()
				next(ctx, &actor.MessageEnvelope{Header: env.Header, Message: env.Message, Sender: via})
			}
		}
	}
}

// draw returns true with probability p.
func (l *Link) draw(p float64) bool {
	if p <= 0 {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rnd.Float64() < p
}

// ackProcess receives the acks of messages that came through the link
// and passes on those it does not drop to the real ack route.
type ackProcess struct{ l *Link }

func (a ackProcess) SendUserMessage(pid *actor.PID, msg any) {
	l := a.l
	drop := l.draw(l.cfg.AckLoss)
	l.mu.Lock()
	route := l.routes[pid.RequestId]
	l.stats.Acks++
	if drop {
		l.stats.AckDropped++
	}
	l.changedLocked()
	l.mu.Unlock()
	if drop || route == nil {
		return
	}
	l.plain.Send(route, msg)
}

func (ackProcess) SendSystemMessage(*actor.PID, any) {}

func (ackProcess) Stop(*actor.PID) {}
