package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/cli"
)

func main() { cli.Main("layoutbench", run) }

// result is the JSON line printed after the run.
type result struct {
	Backend   string  `json:"backend"`
	Nodes     int     `json:"nodes"`
	Edges     int     `json:"edges"`
	Dims      int     `json:"dims"`
	Ticks     int     `json:"ticks"`
	Workers   int     `json:"workers"`
	Theta     float32 `json:"theta"`
	MsPerTick float64 `json:"ms_per_tick"`
	BestMs    float64 `json:"best_ms_per_tick"`
	Kinetic   float64 `json:"kinetic_energy"`
	SettledAt int     `json:"settled_at_tick,omitempty"`
	SettledMs float64 `json:"settled_ms,omitempty"`
	EdgeCV    float64 `json:"edge_cv,omitempty"`
	Stress    float64 `json:"stress,omitempty"`
	Spread    float64 `json:"comp_spread,omitempty"`
	StartMs   float64 `json:"start_ms,omitempty"`
	StartTick int     `json:"start_tick,omitempty"`
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("layoutbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	p := kernel.Defaults()
	edges := fs.String("edges", "", "edge list file (required)")
	ticks := fs.Int("ticks", 300, "ticks to run")
	repeat := fs.Int("repeat", 1, "runs from the initial layout; best_ms_per_tick is the fastest")
	out := fs.String("out", "", "write \"id x y [z]\" positions here")
	quality := fs.Bool("quality", false, "also compute edge_cv, stress (256 pivots) and comp_spread")
	score := fs.String("score", "", "score the \"id x y [z]\" drawing in this file of -dims dimensions instead of running")
	multilevel := fs.Bool("multilevel", false, "start from cpu.MultilevelStart (its time counts in settled_ms and ms_per_tick; start_ms reports it)")
	settle := fs.Float64("settle", 0, "report the first tick whose kinetic energy per node falls below this")
	fs.IntVar(&p.Dims, "dims", p.Dims, "2 or 3")
	fs.IntVar(&p.Workers, "workers", p.Workers, "worker goroutines (0: GOMAXPROCS)")
	fs.IntVar(&p.WarmupTicks, "warmup", p.WarmupTicks, "warm-up ticks")
	fs.Uint64Var(&p.Seed, "seed", p.Seed, "placement seed")
	for _, f := range []struct {
		name string
		v    *float32
	}{
		{"theta", &p.Theta}, {"dt", &p.DT}, {"damping", &p.Damping}, {"springk", &p.SpringK},
		{"rest", &p.RestLength}, {"repelk", &p.RepelK}, {"softening", &p.Softening},
		{"gravity", &p.CenterGravityK}, {"maxforce", &p.MaxForce}, {"maxvel", &p.MaxVelocity},
		{"cooling", &p.Cooling}, {"alphamin", &p.AlphaMin},
	} {
		fs.Var((*f32)(f.v), f.name, "override the default "+f.name)
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if p.Dims == 2 { // kernel.DefaultsFor(2) where no flag says otherwise
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		d2 := kernel.DefaultsFor(2)
		if !set["rest"] {
			p.RestLength = d2.RestLength
		}
		if !set["repelk"] {
			p.RepelK = d2.RepelK
		}
	}
	if *edges == "" || *ticks < 1 || *repeat < 1 || fs.NArg() > 0 {
		return cli.Usagef("need -edges FILE, -ticks >= 1 and -repeat >= 1 (see -h)")
	}
	f, err := os.Open(*edges)
	if err != nil {
		return cli.Usage(err)
	}
	g, err := kernel.ReadEdgeList(bufio.NewReader(f), *edges)
	f.Close()
	if err != nil {
		return cli.Usage(err)
	}
	if *score != "" {
		pos, err := readPositions(*score, g.Nodes, p.Dims)
		if err != nil {
			return cli.Usage(err)
		}
		res := result{Backend: "file", Nodes: g.Nodes, Edges: len(g.Col) / 2, Dims: p.Dims}
		if err := res.measure(&g, pos); err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(res)
	}
	res := result{Backend: "cpu", Nodes: g.Nodes, Edges: len(g.Col) / 2, Dims: p.Dims, Ticks: *ticks, Theta: p.Theta}
	var k *cpu.Kernel
	for r := 0; r < *repeat; r++ {
		if k != nil {
			k.Close()
		}
		if k, err = cpu.New(p); err != nil {
			return cli.Usage(err) // a bad parameter, named
		}
		if err := k.Upload(g); err != nil {
			return err
		}
		start := time.Now()
		if *multilevel {
			pos := make([]float32, p.Dims*g.Nodes)
			t0, err := cpu.MultilevelStart(p, g, pos)
			if err != nil {
				return err
			}
			if err := k.SetPositions(pos); err != nil {
				return err
			}
			if err := k.SetTicks(t0); err != nil {
				return err
			}
			res.StartTick, res.StartMs = t0, float64(time.Since(start).Microseconds())/1000
		}
		if *settle > 0 {
			settledAt, settledMs := 0, 0.0
			for t := 0; t < *ticks; t++ {
				if err := ctx.Err(); err != nil {
					k.Close()
					return err
				}
				if err := k.Step(1); err != nil {
					return err
				}
				if settledAt == 0 && k.KineticEnergy()/float64(g.Nodes) < *settle {
					settledAt, settledMs = t+1, float64(time.Since(start).Microseconds())/1000
				}
			}
			if settledAt > 0 && (res.SettledAt == 0 || settledMs < res.SettledMs) {
				res.SettledAt, res.SettledMs = settledAt, settledMs
			}
		} else if err := k.Step(*ticks); err != nil {
			return err
		}
		ms := float64(time.Since(start).Microseconds()) / 1000 / float64(*ticks)
		res.MsPerTick = ms
		if r == 0 || ms < res.BestMs {
			res.BestMs = ms
		}
	}
	defer k.Close()
	res.Workers = p.Workers
	res.Kinetic = k.KineticEnergy()
	pos := make([]float32, p.Dims*g.Nodes)
	if _, err := k.Positions(pos); err != nil {
		return err
	}
	if *quality {
		if err := res.measure(&g, pos); err != nil {
			return err
		}
	}
	if *out != "" {
		if err := writePositions(*out, pos, g.Nodes, p.Dims); err != nil {
			return err
		}
	}
	return json.NewEncoder(stdout).Encode(res)
}

func writePositions(path string, pos []float32, n, dims int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "%d", i)
		for c := 0; c < dims; c++ {
			fmt.Fprintf(w, " %g", pos[c*n+i])
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// f32 is a float32 flag.
type f32 float32

func (v *f32) String() string { return fmt.Sprint(float32(*v)) }

func (v *f32) Set(s string) error {
	var x float32
	if _, err := fmt.Sscan(s, &x); err != nil {
		return err
	}
	*v = f32(x)
	return nil
}
