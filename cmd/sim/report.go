package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/internal/graphio"
	"github.com/protoack/protoack/messaging"
)

// report is the run's summary; its JSON form is what -json prints.
type report struct {
	Nodes          int            `json:"nodes"`
	Edges          int            `json:"edges"`
	Dims           int            `json:"dims"`
	Ticks          uint64         `json:"ticks"`
	StartTick      uint64         `json:"start_tick,omitempty"` // a multilevel start's tick; Ticks counts from 0
	MsPerTick      float64        `json:"ms_per_tick"`          // kernel time per tick
	WallS          float64        `json:"wall_s"`
	KineticEnergy  float64        `json:"kinetic_energy"`
	Settled        bool           `json:"settled"`
	Backend        string         `json:"backend"`
	Recoveries     int            `json:"recoveries"`
	Fallbacks      int            `json:"fallbacks"`
	DroppedLoops   int            `json:"dropped_self_loops"`
	DroppedDups    int            `json:"dropped_duplicate_edges"`
	Delivery       deliveryCounts `json:"delivery"`
	Kinds          []kindReport   `json:"kinds"`
	Remote         *remoteReport  `json:"remote,omitempty"` // with -compute (remote.go)
	summary        messaging.Summary
	recoveryEvents map[string]int
}

// deliveryCounts reconcile: sent = acked + failed + exhausted +
// undeliverable + abandoned + pending + lost.
type deliveryCounts struct {
	Sent          uint64 `json:"sent"`
	Acked         uint64 `json:"acked"` // Success and PartialSuccess
	Failed        uint64 `json:"failed"`
	Retried       uint64 `json:"retried"` // re-sends
	Exhausted     uint64 `json:"exhausted"`
	Undeliverable uint64 `json:"undeliverable"`
	Abandoned     uint64 `json:"abandoned"`
	Pending       uint64 `json:"pending"`
	Lost          uint64 `json:"lost"` // tracked, no outcome, not pending: never assumed 0
}

type kindReport struct {
	Kind string `json:"kind"`
	deliveryCounts
	LatencyP50Ms float64 `json:"latency_p50_ms"`
	LatencyP99Ms float64 `json:"latency_p99_ms"`
}

func counts(c messaging.Counts, pending uint64) deliveryCounts {
	d := deliveryCounts{
		Sent: c.Sent, Acked: c.Acked(), Failed: c.Failed, Retried: c.Retried,
		Exhausted: c.Exhausted, Undeliverable: c.Undeliverable, Abandoned: c.Abandoned, Pending: pending,
	}
	if ended := c.Ended() + pending; c.Sent > ended {
		d.Lost = c.Sent - ended
	}
	return d
}

func newReport(g *graphio.Graph, o options, st *physics.Stats, settled bool, wall time.Duration, sum messaging.Summary) *report {
	r := &report{
		Nodes: g.Nodes, Edges: g.Stats.Edges, Dims: o.params.Dims, Ticks: st.Iteration, StartTick: st.StartTick,
		WallS: wall.Seconds(), KineticEnergy: st.KineticEnergy, Settled: settled, Backend: st.Backend,
		Recoveries: st.Recoveries, Fallbacks: st.Fallbacks,
		DroppedLoops: g.Stats.SelfLoops, DroppedDups: g.Stats.Duplicates,
		Delivery: counts(sum.Totals, uint64(sum.Pending)), summary: sum, recoveryEvents: st.Events,
	}
	if st.KernelTicks > 0 {
		r.MsPerTick = float64(st.KernelTime) / float64(st.KernelTicks) / 1e6
	}
	for _, k := range sum.Kinds {
		r.Kinds = append(r.Kinds, kindReport{Kind: string(k.Kind), deliveryCounts: counts(k.Counts, 0),
			LatencyP50Ms: ms(k.Latency.P50), LatencyP99Ms: ms(k.Latency.P99)})
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *report) writeText(w io.Writer) {
	state := "settled"
	if !r.Settled {
		state = "NOT settled"
	}
	start := ""
	if r.StartTick > 0 {
		start = fmt.Sprintf(" from a multilevel start at tick %d", r.StartTick)
	}
	fmt.Fprintf(w, "layout: %d nodes, %d edges, %dD, %d ticks%s on %s, %s (kinetic energy %.4g); %.3f ms per tick in the kernel, %.1f s in all\n",
		r.Nodes, r.Edges, r.Dims, r.Ticks, start, r.Backend, state, r.KineticEnergy, r.MsPerTick, r.WallS)
	if r.Recoveries > 0 || r.Fallbacks > 0 {
		fmt.Fprintf(w, "recoveries: %d (recovered %d, fallbacks to the CPU %d)\n", r.Recoveries, r.recoveryEvents[physics.EventRecovered], r.Fallbacks)
	}
	r.Remote.writeText(w)
	d := r.Delivery
	fmt.Fprintf(w, "delivery: %d sent, %d acked, %d failed, %d re-sends, %d exhausted, %d undeliverable, %d abandoned, %d pending, %d lost\n",
		d.Sent, d.Acked, d.Failed, d.Retried, d.Exhausted, d.Undeliverable, d.Abandoned, d.Pending, d.Lost)
	fmt.Fprint(w, r.summary)
}
