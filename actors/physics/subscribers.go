package physics

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/protocol"
)

// subscriber is one Subscribe: throttled frames within a window of
// unanswered ones.
type subscriber struct {
	id         uint64
	pid        *actor.PID
	interval   time.Duration // 0: every step
	window     int
	last       time.Time
	sent       uint64
	dropped    uint64
	unanswered int
}

func (o *orchestrator) subscribe(ctx actor.Context, m *Subscribe) {
	if m.PID == nil {
		o.event(ctx, EventRejected, "Subscribe: nil PID")
		return
	}
	s := o.subs[m.PID.String()]
	if s == nil {
		o.nextID++
		s = &subscriber{id: o.nextID, pid: m.PID}
		o.subs[m.PID.String()] = s
		ctx.Watch(m.PID)
	}
	s.interval, s.window = 0, m.Window
	if m.MaxHz > 0 {
		s.interval = time.Duration(float64(time.Second) / m.MaxHz)
	}
	if s.window <= 0 {
		s.window = 2
	}
}

func (o *orchestrator) unsubscribe(ctx actor.Context, pid *actor.PID) {
	if pid == nil {
		return
	}
	if _, ok := o.subs[pid.String()]; ok {
		delete(o.subs, pid.String())
		ctx.Unwatch(pid)
	}
}

// publish offers the layout to every subscriber whose throttle allows a
// frame: sent within its window, otherwise dropped and counted.
func (o *orchestrator) publish(ctx actor.Context) {
	if len(o.subs) == 0 || o.pos == nil {
		return
	}
	now := time.Now()
	for _, s := range o.subs {
		if s.interval > 0 && now.Sub(s.last) < s.interval {
			continue
		}
		s.last = now
		if s.unanswered >= s.window {
			s.dropped++
			continue
		}
		s.unanswered++
		s.sent++
		ctx.Request(s.pid, o.frame(s.id, s.dropped))
	}
}

func (o *orchestrator) onFrameAck(m *protocol.FrameAck) {
	for _, s := range o.subs {
		if s.id == m.GetSubscription() && s.unanswered > 0 {
			s.unanswered--
			return
		}
	}
}

// frame is the layout held; the bytes are shared, never changed.
func (o *orchestrator) frame(sub, dropped uint64) *protocol.PositionsFrame {
	f := &protocol.PositionsFrame{Iteration: o.iteration, KineticEnergy: o.ke, Backend: o.kernel,
		Dropped: dropped, Subscription: sub}
	if o.pos != nil && o.dims > 0 {
		f.Dims, f.Positions = int32(o.dims), o.pos
		f.Nodes = int32(len(o.pos) / 4 / o.dims)
	}
	return f
}
