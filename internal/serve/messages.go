package serve

import (
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/messaging"
)

// stateJSON is GET /api/state's body. Params use kernel.Params' field
// names, as POST /api/params takes them.
type stateJSON struct {
	Iteration      uint64        `json:"iteration"`
	KineticEnergy  float64       `json:"kinetic_energy"`
	Settled        bool          `json:"settled"`
	Paused         bool          `json:"paused"`
	Backend        string        `json:"backend"`
	Recoveries     int           `json:"recoveries"`
	TicksPerSecond float64       `json:"ticks_per_second"`
	Nodes          int           `json:"nodes"`
	Dims           int           `json:"dims"`
	Params         kernel.Params `json:"params"`
}

func (s *Server) stateOf(st State) stateJSON {
	return stateJSON{
		Iteration: st.Iteration, KineticEnergy: finiteOr0(st.KineticEnergy), Settled: st.Settled,
		Paused: st.Paused, Backend: st.Backend, Recoveries: st.Recoveries,
		TicksPerSecond: s.metrics.ticksPerSecond(), Nodes: s.nodes, Dims: s.dims, Params: st.Params,
	}
}

// stepMsg is the "step" event: stateJSON with a type.
type stepMsg struct {
	Type string `json:"type"`
	stateJSON
	FramesDropped uint64 `json:"frames_dropped"`
	Viewers       int    `json:"viewers"`
}

func (s *Server) stepMsg(st State) stepMsg {
	return stepMsg{Type: "step", stateJSON: s.stateOf(st), FramesDropped: s.metrics.droppedFrames(),
		Viewers: s.metrics.viewers()}
}

// eventMsg is a simulation Event.
type eventMsg struct {
	Type      string `json:"type"`
	Kind      string `json:"kind"`
	Reason    string `json:"reason,omitempty"`
	Iteration uint64 `json:"iteration"`
}

// deliveryMsg is the "delivery" event: per-kind counts of the tracker.
type deliveryMsg struct {
	Type    string      `json:"type"`
	Pending int         `json:"pending"`
	Kinds   []kindCount `json:"kinds"`
}

type kindCount struct {
	Kind    string `json:"kind"`
	Sent    uint64 `json:"sent"`
	Acked   uint64 `json:"acked"`
	Retried uint64 `json:"retried"`
	Failed  uint64 `json:"failed"` // ended undelivered: failed ack, exhausted, undeliverable, abandoned
	Pending uint64 `json:"pending"`
}

func deliveryMsgOf(s messaging.Summary) deliveryMsg {
	m := deliveryMsg{Type: "delivery", Pending: s.Pending, Kinds: make([]kindCount, 0, len(s.Kinds))}
	for _, k := range s.Kinds {
		c := k.Counts
		m.Kinds = append(m.Kinds, kindCount{Kind: string(k.Kind), Sent: c.Sent, Acked: c.Acked(),
			Retried: c.Retried, Failed: c.Ended() - c.Acked(), Pending: pendingOf(c)})
	}
	return m
}

// pendingOf is the messages of a kind sent and not yet ended.
func pendingOf(c messaging.Counts) uint64 {
	if e := c.Ended(); c.Sent > e {
		return c.Sent - e
	}
	return 0
}

func finiteOr0(v float64) float64 {
	if v != v || v > 1e308 || v < -1e308 {
		return 0
	}
	return v
}
