package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/graphgen"
	"github.com/protoack/protoack/internal/graphio"
	"github.com/protoack/protoack/internal/paramflags"
)

// options are the parsed and validated flags.
type options struct {
	graph    string // input file, "-" for stdin; "" means generate
	gen      graphgen.Spec
	seed     uint64
	params   kernel.Params
	ticks    int
	backend  string
	out, png string
	pngW     int
	pngH     int
	json     bool
	settle   float64 // kinetic energy per node at equilibrium
	maxTicks int     // a run that has not settled by then stops unsettled
	drop     float64
	dup      float64
	crash    int
	quiet    bool
	remote   remoteFlags // -compute and its companions (remote.go)
	serve    serveFlag   // -serve[=ADDR]: the live view (serve.go)
}

const usageHead = `Usage: sim [flags]
       sim quality GRAPH POSITIONS

Lays out a graph through the PhysicsOrchestrator and ForceCompute actors,
every control message tracked (acked, re-sent, de-duplicated), and writes
the positions, a picture and the delivery summary.

Flags:
`

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), "\nExit codes: 0 done, 1 the run failed, 2 bad flags or input.\n")
	}
	fs.StringVar(&o.graph, "graph", "", "read the graph from `FILE`: an edge list (whitespace or comma separated, # comments, optional weight column) or, for .json, d3 JSON {nodes, links}; - reads stdin")
	gen := fs.String("generate", "ba:10000:2", "generate the graph instead: ba:N:M (scale-free), grid:W:H or random:N:P")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generator and of the initial positions")
	pf := paramflags.Register(fs)
	fs.IntVar(&o.ticks, "ticks", 0, "ticks to run, from the plain start at tick 0; 0 runs until equilibrium, from a multilevel start on graphs over 1000 nodes")
	fs.StringVar(&o.backend, "backend", "auto", "force kernel: auto, cpu or cuda")
	fs.StringVar(&o.out, "out", "layout.csv", "write positions to `FILE` (.csv: id,x,y,z; .json); empty: none")
	fs.StringVar(&o.png, "png", "layout.png", "write a picture of the layout to `FILE`; empty: none")
	pngSize := fs.String("png-size", "1600x1200", "picture size, `WxH` pixels")
	fs.BoolVar(&o.json, "json", false, "print one JSON summary on stdout and nothing else there")
	fs.Float64Var(&o.settle, "settle", 0.005, "equilibrium: kinetic energy per node below this for 10 ticks")
	fs.IntVar(&o.maxTicks, "max-ticks", 3000, "with -ticks 0, stop unsettled after this many ticks")
	fs.Float64Var(&o.drop, "drop", 0, "fault: drop this share (0..1) of tracked messages and of acks")
	fs.Float64Var(&o.dup, "dup", 0, "fault: deliver this share (0..1) of tracked messages twice")
	fs.IntVar(&o.crash, "crash-every", 0, "fault: ForceCompute panics on every `N`th ComputeForces (0: never)")
	fs.BoolVar(&o.quiet, "q", false, "no progress on stderr")
	o.remote.register(fs)
	fs.Var(&o.serve, "serve", "serve the live view and /metrics on 127.0.0.1:8080, or -serve=`ADDR`; runs until Ctrl-C")
	if err := cli.Parse(fs, args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, cli.Usagef("unexpected argument %q (flags come first; subcommand: quality)", fs.Arg(0))
	}
	var err error
	if o.params, err = pf.Params(); err != nil {
		return o, err
	}
	o.params.Seed = o.seed
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.graph != "" && set["generate"] {
		return o, cli.Usagef("-graph and -generate: choose one")
	}
	if o.graph == "" {
		if o.gen, err = graphgen.Parse(*gen); err != nil {
			return o, cli.Usage(err)
		}
	}
	if _, err := protocol.ParseBackend(o.backend); err != nil {
		return o, cli.Usagef("-backend %s: must be auto, cpu or cuda", o.backend)
	}
	if n, err := fmt.Sscanf(*pngSize, "%dx%d", &o.pngW, &o.pngH); err != nil || n != 2 ||
		o.pngW < 16 || o.pngH < 16 || o.pngW > 16384 || o.pngH > 16384 {
		return o, cli.Usagef("-png-size %s: want WxH, each in [16, 16384]", *pngSize)
	}
	if o.out != "" {
		if _, err := graphio.FormatOf(o.out); err != nil {
			return o, cli.Usagef("-out %s: %v", o.out, err)
		}
	}
	if err := o.remote.check(o); err != nil {
		return o, err
	}
	return o, o.check()
}

// check rejects out-of-range numbers, naming the flag.
func (o options) check() error {
	for _, c := range []struct {
		name string
		v    float64
		ok   bool
		want string
	}{
		{"-ticks", float64(o.ticks), o.ticks >= 0, "must be >= 0"},
		{"-max-ticks", float64(o.maxTicks), o.maxTicks >= 1, "must be >= 1"},
		{"-settle", o.settle, o.settle > 0 && !math.IsInf(o.settle, 0), "must be a positive number"},
		{"-drop", o.drop, o.drop >= 0 && o.drop < 1, "must be in [0, 1)"},
		{"-dup", o.dup, o.dup >= 0 && o.dup <= 1, "must be in [0, 1]"},
		{"-crash-every", float64(o.crash), o.crash == 0 || o.crash >= 2, "must be 0 or >= 2"},
	} {
		if !c.ok || math.IsNaN(c.v) {
			return cli.Usage(fmt.Errorf("%s %v: %s", c.name, c.v, c.want))
		}
	}
	return nil
}

// readGraph reads or generates the graph; bad input is a usage error.
func readGraph(o options, stdin io.Reader) (*graphio.Graph, error) {
	var g *graphio.Graph
	var err error
	if o.graph != "" {
		g, err = graphio.Read(o.graph, stdin)
	} else {
		g, err = o.gen.Generate(o.seed)
	}
	if err != nil {
		return nil, cli.Usage(err)
	}
	if g.Nodes == 0 {
		return nil, cli.Usage(errors.New("the graph is empty"))
	}
	return g, nil
}
