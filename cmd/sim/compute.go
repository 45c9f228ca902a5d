package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute"
	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/lossy"
	"github.com/protoack/protoack/internal/remoting"
	"github.com/protoack/protoack/middleware"
	"google.golang.org/protobuf/proto"
)

// computeName is the ForceCompute actor's name on a compute node: an
// orchestrator reaches it as HOST:PORT/computeName.
const computeName = "forcecompute"

const computeUsage = `Usage: sim compute [-listen HOST:PORT] [-advertise HOST] [-backend auto|cpu|cuda] [-v] [-drop P -dup P -seed N]

Runs a ForceCompute node: the ForceCompute actor, named %q, with its own
acknowledged delivery (acks, de-duplication) over protoactor remote (gRPC).
An orchestrator uses it with: sim -compute HOST:PORT ...
It runs until SIGINT or SIGTERM, then stops the actor and its kernel.

Flags:
`

// compute is `sim compute`: a ForceCompute node.
func compute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim compute", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), computeUsage, computeName)
		fs.PrintDefaults()
	}
	listen := fs.String("listen", "127.0.0.1:7100", "listen on `HOST:PORT` (0.0.0.0 for every interface, then -advertise)")
	advertise := fs.String("advertise", "", "the `HOST` orchestrators reach this node by (default: the listen host)")
	backend := fs.String("backend", "auto", "force kernel: auto (the one the orchestrator asks for), cpu or cuda (whatever it asks)")
	verbose := fs.Bool("v", false, "log every tracked message ForceCompute handles on stderr")
	drop := fs.Float64("drop", 0, "fault: drop this share (0..1) of arriving tracked messages and of the acks sent back")
	dup := fs.Float64("dup", 0, "fault: handle this share (0..1) of arriving tracked messages twice (the Delivery must de-duplicate)")
	seed := fs.Uint64("seed", 1, "seed of the fault draws")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("compute: unexpected argument %q", fs.Arg(0))
	}
	if !(*drop >= 0 && *drop < 1) || !(*dup >= 0 && *dup <= 1) {
		return cli.Usagef("-drop %v, -dup %v: want -drop in [0, 1) and -dup in [0, 1]", *drop, *dup)
	}
	host, port, err := remoting.ParseAddr("-listen", *listen, true)
	if err != nil {
		return cli.Usage(err)
	}
	b, err := protocol.ParseBackend(*backend)
	if err != nil {
		return cli.Usagef("-backend %s: must be auto, cpu or cuda", *backend)
	}
	if *backend == forcecompute.BackendCUDA {
		if ok, reason := cuda.Available(); !ok {
			return cli.Usagef("-backend cuda: CUDA unavailable: %s", reason)
		}
	}
	rc, err := remoting.Config(host, port, *advertise)
	if err != nil {
		return cli.Usage(err)
	}

	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	system := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler) // protoactor's info lines (connections, dead letters)
	}))
	defer system.Shutdown()
	rem, err := remoting.Start(system, rc)
	if err != nil {
		return err
	}
	defer rem.Shutdown(false) // a graceful gRPC stop waits on the orchestrators' streams
	d, err := middleware.New(system, append(protocol.Options(nil), middleware.WithLogger(log))...)
	if err != nil {
		return err
	}
	defer d.Close()

	prod := forcecompute.Producer(forcecompute.Config{Delivery: d, Logger: log})
	if *verbose {
		inner := prod
		prod = func() actor.Actor { return tracing{inner(), stderr} }
	}
	var opts []actor.PropsOption
	var link *lossy.Link
	if *drop > 0 || *dup > 0 {
		link = lossy.New(system, lossy.Config{MsgLoss: *drop, AckLoss: *drop, Dup: *dup, Seed: *seed})
		defer link.Close()
		opts = append(opts, actor.WithReceiverMiddleware(link.Middleware()))
	}
	if b != protocol.Backend_BACKEND_AUTO {
		opts = append(opts, actor.WithReceiverMiddleware(forceBackend(b)))
	}
	opts = append(opts, d.PropsOption())
	pid, err := system.Root.SpawnNamed(actor.PropsFromProducer(prod, opts...), computeName)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sim compute: ForceCompute at %s/%s, backend %s\n", system.Address(), pid.Id, *backend)
	if f, ok := stdout.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}
	<-ctx.Done()
	_ = system.Root.StopFuture(pid).Wait() // closes the kernel
	if link != nil {
		s := link.Stats()
		fmt.Fprintf(stdout, "sim compute: faults: %d delivered, %d dropped, %d duplicated; %d acks, %d dropped\n",
			s.Delivered, s.MsgDropped, s.Duplicated, s.Acks, s.AckDropped)
	}
	fmt.Fprintf(stdout, "sim compute: stopped (%v)\n", context.Cause(ctx))
	return nil
}

// forceBackend makes InitializeGPU ask for backend b, whatever the
// orchestrator asked for; it runs before the Delivery's middleware, so
// headers and acks are untouched.
func forceBackend(b protocol.Backend) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			if m, ok := env.Message.(*protocol.InitializeGPU); ok && m.GetBackend() != b {
				m = proto.Clone(m).(*protocol.InitializeGPU)
				m.Backend = b
				env = &actor.MessageEnvelope{Header: env.Header, Message: m, Sender: env.Sender}
			}
			next(c, env)
		}
	}
}

// tracing logs each tracked message the node's ForceCompute handles
// (after de-duplication): what -v shows.
type tracing struct {
	actor.Actor
	w io.Writer
}

func (t tracing) Receive(ctx actor.Context) {
	now := time.Now().Format("15:04:05.000")
	switch m := ctx.Message().(type) {
	case *protocol.InitializeGPU:
		fmt.Fprintf(t.w, "%s fc: InitializeGPU backend=%s\n", now, m.GetBackend().Name())
	case *protocol.UpdateGPUGraphData:
		fmt.Fprintf(t.w, "%s fc: UpdateGPUGraphData nodes=%d\n", now, m.GetNodes())
	case *protocol.UploadConstraintsToGPU:
		fmt.Fprintf(t.w, "%s fc: UploadConstraintsToGPU pins=%d distances=%d\n", now, len(m.GetPins()), len(m.GetDistances()))
	case *protocol.UpdateNodePositions:
		fmt.Fprintf(t.w, "%s fc: UpdateNodePositions bytes=%d ticks=%d\n", now, len(m.GetPositions()), m.GetTicks())
	case *protocol.ComputeForces:
		fmt.Fprintf(t.w, "%s fc: ComputeForces seq=%d\n", now, m.GetSeq())
	}
	t.Actor.Receive(ctx)
}
