package main

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// warmTicks precede the early measurement.
const warmTicks = 3

// stage is one measured point of a run: early or settled.
type stage struct {
	wallMs float64          // per tick, over cfg.ticks ticks
	phases *cuda.PhaseTimes // one profiled tick, nil without diagnostics
	tree   *cuda.TreeReport // of the profiled tick, nil without diagnostics
}

type timedRun struct {
	early, settled stage
	finite         bool // positions and kinetic energy after the run
	ke             float64
}

// sizeName is 10k, 100k, 1M, or the count.
func sizeName(n int) string {
	switch {
	case n%1000000 == 0:
		return fmt.Sprintf("%dM", n/1000000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// timeTicks times the device on BA m=2 graphs in 3D with the defaults,
// early (after warmTicks) and settled (after cfg.settle more untimed ticks),
// keeping the minimum of two runs, and prints per-phase event times, event
// against wall time and walk statistics. Goals are reported for the sizes
// in cfg.goals; finite positions and a well-formed tree are gated.
func timeTicks(r reporter, cfg config) {
	r.printf("timing, 3D BA m=2, defaults: wall ms per tick over %d ticks, minimum of two runs; early = after %d ticks, settled = after %d more\n",
		cfg.ticks, warmTicks, cfg.settle)
	for _, n := range cfg.sizes {
		id := "timing/n" + fmt.Sprint(n)
		if cfg.only != "" && cfg.only != id {
			continue
		}
		r.start(id)
		g := kerneltest.BAGraph(n, 2, 42)
		var best [2]float64
		var last timedRun
		var err error
		for i := 0; i < 2 && err == nil; i++ {
			var tr timedRun
			if tr, err = timeRun(cfg, g); err == nil {
				last = tr
				for s, ms := range [2]float64{tr.early.wallMs, tr.settled.wallMs} {
					if i == 0 || ms < best[s] {
						best[s] = ms
					}
				}
			}
		}
		if err != nil {
			if stopOn(r, id, err) {
				return
			}
			continue
		}
		name := sizeName(n)
		r.printf("  %s nodes, %d edges: early %.3f ms/tick, settled %.3f ms/tick\n", name, g.RowPtr[n]/2, best[0], best[1])
		for s, st := range [2]stage{last.early, last.settled} {
			label := [2]string{"early", "settled"}[s]
			if st.phases != nil {
				var b strings.Builder
				for i, ph := range cuda.Phases {
					fmt.Fprintf(&b, " %s %.3f", ph, st.phases.Phase[i])
				}
				r.printf("    %-7s phases (CUDA events, ms):%s; tick %.3f (event) vs %.3f (wall)\n", label, b.String(), st.phases.Total, st.wallMs)
			}
			if st.tree != nil {
				p50, p999, mx := percentiles(st.tree.Visits)
				r.printf("    %-7s walk: cells per warp p50 %d, p99.9 %d, max %d over %d warps\n", label, p50, p999, mx, len(st.tree.Visits))
				r.check(fmt.Sprintf("%s/%s/tree", id, label), st.tree.RootMass == float64(n) && st.tree.BadInner == 0 && st.tree.Err == 0,
					"%-7s tree: root mass %g of %d, inner nodes not reached twice %d, error bits %d", label, st.tree.RootMass, n, st.tree.BadInner, st.tree.Err)
			}
		}
		r.check(id+"/finite", last.finite, "positions and kinetic energy (%.4g) finite after the run", last.ke)
		if limit, ok := cfg.goals[n]; ok {
			r.goal(name+"-early", best[0], limit)
			r.goal(name+"-settled", best[1], limit)
			r.printf("    goal <= %g ms/tick: early %s, settled %s\n", limit, metWord(best[0], limit), metWord(best[1], limit))
		}
		if cfg.cpu {
			if ms, err := cpuMs(cfg, g); err == nil {
				r.printf("    CPU kernel: %.1f ms/tick (%.1fx the device's early time)\n", ms, ms/best[0])
			} else {
				r.printf("    CPU kernel: %v\n", err)
			}
		}
		r.t.started = ""
	}
}

func metWord(ms, limit float64) string {
	if ms <= limit {
		return "met"
	}
	return "MISSED"
}

// timeRun opens the device and measures one run on g.
func timeRun(cfg config, g kernel.Graph) (timedRun, error) {
	var tr timedRun
	p := kernel.Defaults()
	k, err := cfg.dev(p)
	if err != nil {
		return tr, err
	}
	defer k.Close()
	if err := k.Upload(g); err != nil {
		return tr, err
	}
	if err := k.Step(warmTicks); err != nil {
		return tr, err
	}
	if tr.early, err = measure(k, cfg.ticks); err != nil {
		return tr, err
	}
	if cfg.settle > 0 {
		if err := k.Step(cfg.settle); err != nil {
			return tr, err
		}
	}
	if tr.settled, err = measure(k, cfg.ticks); err != nil {
		return tr, err
	}
	pos := make([]float32, p.Dims*g.Nodes)
	if _, err := k.Positions(pos); err != nil {
		return tr, err
	}
	tr.ke = k.KineticEnergy()
	tr.finite = kerneltest.AllFinite(pos) && !math.IsNaN(tr.ke) && !math.IsInf(tr.ke, 0)
	return tr, nil
}

// measure times ticks ticks of k (Step waits for the device), then profiles
// one more and reads the last tick's tree back, where k has the diagnostics.
func measure(k kernel.Kernel, ticks int) (stage, error) {
	var st stage
	start := time.Now()
	if err := k.Step(ticks); err != nil {
		return st, err
	}
	st.wallMs = float64(time.Since(start).Nanoseconds()) / 1e6 / float64(ticks)
	if pr, ok := k.(profiler); ok {
		pt, err := pr.Profile()
		switch {
		case err == nil:
			st.phases = &pt
		case !errors.Is(err, cuda.ErrNoDiagnostics):
			return st, err
		}
	}
	if tc, ok := k.(treeChecker); ok {
		tree, err := tc.TreeCheck()
		switch {
		case err == nil:
			st.tree = &tree
		case !errors.Is(err, cuda.ErrNoDiagnostics):
			return st, err
		}
	}
	return st, nil
}

// cpuMs times a few ticks of the CPU kernel on g.
func cpuMs(cfg config, g kernel.Graph) (float64, error) {
	k, err := cfg.ref(kernel.Defaults())
	if err != nil {
		return 0, err
	}
	defer k.Close()
	if err := k.Upload(g); err != nil {
		return 0, err
	}
	if err := k.Step(1); err != nil {
		return 0, err
	}
	ticks := max(1, min(10, 2000000/g.Nodes))
	start := time.Now()
	if err := k.Step(ticks); err != nil {
		return 0, err
	}
	return float64(time.Since(start).Nanoseconds()) / 1e6 / float64(ticks), nil
}
