// Command sim lays out a graph through the PhysicsOrchestrator and
// ForceCompute actors, with every control message tracked by the
// acknowledged-delivery middleware, and reports the layout and the
// delivery. Run `sim -h` for the flags; README.md lists them too.
//
//	sim                              # BA 10k, to equilibrium: layout.csv, layout.png, a summary
//	sim -graph g.txt -dims 2 -json   # an edge list in 2D, one JSON object on stdout
//	sim -drop 0.3 -dup 0.1 -crash-every 40   # with faults: re-sends and recoveries
//	sim quality GRAPH POSITIONS      # edge_cv and stress of any drawing
package main

import (
	"context"
	"io"

	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/quality"
)

func main() { cli.Main("sim", run) }

// run is the whole command, callable from tests with buffers.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "quality" {
		return quality.Run(ctx, args[1:], stdin, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "compute" {
		return compute(ctx, args[1:], stdout, stderr)
	}
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	return layout(ctx, o, stdin, stdout, stderr)
}
