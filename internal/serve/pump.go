package serve

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"time"
)

// pump moves the simulation's frames and events to the hub: frames at
// most MaxFPS a second (the latest one wins; the last is always sent),
// events as they come, and every StateInterval a "step" and a "delivery"
// event built from State and Delivery.
func (s *Server) pump(ctx context.Context, frames <-chan Frame, events <-chan Event) {
	var minGap time.Duration
	if s.cfg.MaxFPS > 0 {
		minGap = time.Duration(float64(time.Second) / s.cfg.MaxFPS)
	}
	tick := time.NewTicker(s.cfg.StateInterval)
	defer tick.Stop()
	flush := time.NewTimer(time.Hour)
	flush.Stop()
	defer flush.Stop()
	var (
		pending   *Frame // a frame held back by the rate cap
		lastSent  time.Time
		lastIter  = s.cfg.Sim.State().Iteration
		lastStamp = time.Now()
	)
	send := func(f *Frame) {
		s.hub.frame(encodeFrame(f))
		s.metrics.framesSent.Inc()
		lastSent, pending = time.Now(), nil
	}
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-frames:
			if f.TickDuration > 0 {
				s.metrics.tickDuration.Observe(f.TickDuration.Seconds())
			}
			if len(f.Positions) != 4*s.dims*s.nodes || f.Dims != s.dims {
				s.metrics.framesMalformed.Inc()
				continue
			}
			if gap := time.Since(lastSent); gap >= minGap {
				send(&f)
			} else {
				if pending == nil {
					flush.Reset(minGap - gap)
				}
				pending = &f
			}
		case <-flush.C:
			if pending != nil {
				send(pending)
			}
		case e := <-events:
			s.hub.event(mustJSON(eventMsg{Type: "event", Kind: e.Kind, Reason: e.Reason, Iteration: e.Iteration}))
		case now := <-tick.C:
			st := s.cfg.Sim.State()
			if dt := now.Sub(lastStamp).Seconds(); dt > 0 && st.Iteration >= lastIter {
				s.metrics.setTicksPerSecond(float64(st.Iteration-lastIter) / dt)
			}
			lastIter, lastStamp = st.Iteration, now
			s.hub.event(mustJSON(s.stepMsg(st)))
			s.hub.event(mustJSON(deliveryMsgOf(s.cfg.Sim.Delivery())))
		}
	}
}

// frameHeader is the size of a binary frame's header: nodes (uint32),
// dims (uint32) and iteration (uint64), little-endian, followed by the
// positions as little-endian float32, structure of arrays.
const frameHeader = 16

func encodeFrame(f *Frame) []byte {
	b := make([]byte, frameHeader+len(f.Positions))
	nodes := len(f.Positions) / 4 / f.Dims
	binary.LittleEndian.PutUint32(b[0:], uint32(nodes))
	binary.LittleEndian.PutUint32(b[4:], uint32(f.Dims))
	binary.LittleEndian.PutUint64(b[8:], f.Iteration)
	copy(b[frameHeader:], f.Positions)
	return b
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("serve: " + err.Error()) // only fixed types of ours are marshalled
	}
	return b
}
