package quality

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/graphio"
)

// Defaults of the measure, those of layoutq.py.
const (
	DefaultPivots = 256
	DefaultSeed   = 7
)

// Result is what Run prints, one JSON object. A measure that is undefined
// (no edges; every edge of length 0; no reachable pair) is null.
type Result struct {
	Nodes  int      `json:"nodes"`
	Edges  int      `json:"edges"`
	EdgeCV *float64 `json:"edge_cv"` // std/mean of edge lengths; lower is better
	Stress *float64 `json:"stress"`  // scale-normalised sampled stress; 0 is perfect
	Pivots int      `json:"pivots"`  // pivots sampled (at most the nodes with an edge)
}

// Measure computes the quality of g drawn at pos (structure of arrays in
// dims 2 or 3): kernel.EdgeCV over g's edges, and kernel.Stress from up
// to pivots pivots sampled with seed.
func Measure(g *kernel.Graph, pos []float32, dims, pivots int, seed uint64) (Result, error) {
	cv, err := kernel.EdgeCV(g, pos, dims)
	if err != nil {
		return Result{}, err
	}
	st, err := kernel.Stress(g, pos, dims, pivots, seed)
	if err != nil {
		return Result{}, err
	}
	withEdges := 0
	for i := 0; i < g.Nodes; i++ {
		if g.RowPtr[i+1] > g.RowPtr[i] {
			withEdges++
		}
	}
	return Result{Nodes: g.Nodes, Edges: len(g.Col) / 2, EdgeCV: finite(cv), Stress: finite(st), Pivots: min(pivots, withEdges)}, nil
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Usage is the command's usage line.
const Usage = "quality [-pivots K] [-seed S] GRAPH POSITIONS"

// Run is the quality command: it reads GRAPH as graphio.Read does ("-" is
// stdin) and POSITIONS as graphio.ReadPositions does (the -out file of a
// run, or "id x y [z]" lines), and prints a Result as one JSON line on
// stdout. Flags may come before or after the two files.
func Run(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quality", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\nPrints {\"nodes\",\"edges\",\"edge_cv\",\"stress\",\"pivots\"} as JSON (layoutq.py's measures).\n\n", Usage)
		fs.PrintDefaults()
	}
	pivots := fs.Int("pivots", DefaultPivots, "stress pivots, sampled from the nodes with an edge")
	seed := fs.Uint64("seed", DefaultSeed, "pivot sampling seed")
	var files []string
	for {
		if err := cli.Parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 2 {
		return cli.Usagef("quality: want GRAPH and POSITIONS, got %d file names (usage: %s)", len(files), Usage)
	}
	if *pivots < 1 {
		return cli.Usagef("-pivots %d: must be >= 1", *pivots)
	}
	g, err := graphio.Read(files[0], stdin)
	if err != nil {
		return cli.Usage(err)
	}
	p, err := graphio.ReadPositions(files[1])
	if err != nil {
		return cli.Usage(err)
	}
	pos, err := p.Place(g, files[1])
	if err != nil {
		return cli.Usage(err)
	}
	res, err := Measure(&g.Graph, pos, 3, *pivots, *seed)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}
