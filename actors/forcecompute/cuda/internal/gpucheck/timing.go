package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/protoack/protoack/actors/forcecompute/cuda/internal/compare"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// goalMs is the per-tick goal on one H100, 3D, for n nodes.
func goalMs(n int) (float64, bool) {
	switch n {
	case 100000:
		return 1, true
	case 1000000:
		return 5, true
	}
	return 0, false
}

// timeTicks times Step on each size (3D, defaults) after a warm-up, and the
// positions copy; the table is informational, goals are not enforced.
func timeTicks(w io.Writer, cfg config) error {
	fmt.Fprintf(w, "\ntiming, 3D, defaults (ms per tick; CUDA over %d ticks)\n", cfg.ticks)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "nodes\tedges\tcuda ms/tick\tgoal\tpositions ms\tcpu ms/tick\tspeed-up\t")
	for _, n := range cfg.sizes {
		p := kernel.Defaults()
		g := compare.Graph(n, 42)
		dev, err := cfg.dev(p)
		if err != nil {
			return err
		}
		ms, posMs, err := timeKernel(dev, g, 3, cfg.ticks, true)
		dev.Close()
		if err != nil {
			return err
		}
		goal := "-"
		if gm, ok := goalMs(n); ok {
			goal = fmt.Sprintf("<= %g missed", gm)
			if ms <= gm {
				goal = fmt.Sprintf("<= %g met", gm)
			}
		}
		cpuMs, speedup := "-", "-"
		if cfg.cpu {
			c, err := cfg.ref(p)
			if err != nil {
				return err
			}
			cm, _, err := timeKernel(c, g, 1, max(1, min(10, 2000000/n)), false)
			c.Close()
			if err != nil {
				return err
			}
			cpuMs, speedup = fmt.Sprintf("%.1f", cm), fmt.Sprintf("%.1fx", cm/ms)
		}
		fmt.Fprintf(tw, "%d\t%d\t%.3f\t%s\t%.3f\t%s\t%s\t\n", n, g.RowPtr[n]/2, ms, goal, posMs, cpuMs, speedup)
	}
	return tw.Flush()
}

// timeKernel uploads g, runs warm ticks, then times ticks ticks and (with
// positions) one Positions call. Step waits for the device, so wall time is
// device time plus launch overhead.
func timeKernel(k kernel.Kernel, g kernel.Graph, warm, ticks int, positions bool) (msPerTick, posMs float64, err error) {
	if err := k.Upload(g); err != nil {
		return 0, 0, err
	}
	if err := k.Step(warm); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := k.Step(ticks); err != nil {
		return 0, 0, err
	}
	msPerTick = float64(time.Since(start).Microseconds()) / 1000 / float64(ticks)
	if positions {
		dst := make([]float32, 3*g.Nodes)
		start = time.Now()
		if _, err := k.Positions(dst); err != nil {
			return 0, 0, err
		}
		posMs = float64(time.Since(start).Microseconds()) / 1000
	}
	return msPerTick, posMs, nil
}
