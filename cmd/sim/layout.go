package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute"
	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/graphio"
	"github.com/protoack/protoack/internal/lossy"
	"github.com/protoack/protoack/internal/progress"
	"github.com/protoack/protoack/internal/render"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// pollEvery is how often the progress reads the orchestrator's counters.
const pollEvery = 200 * time.Millisecond

// layout runs one layout to its end and reports it.
func layout(ctx context.Context, o options, stdin io.Reader, stdout, stderr io.Writer) error {
	start := time.Now()
	g, err := readGraph(o, stdin)
	if err != nil {
		return err
	}
	if s := g.Stats; s.SelfLoops+s.Duplicates > 0 {
		fmt.Fprintf(stderr, "sim: dropped %d self-loops and %d duplicate edges\n", s.SelfLoops, s.Duplicates)
	}
	if o.backend == forcecompute.BackendCUDA && o.remote.compute == "" {
		if ok, reason := cuda.Available(); !ok {
			return cli.Usagef("-backend cuda: CUDA unavailable: %s", reason)
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	system := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler) // protoactor's own info lines (restarts, dead letters)
	}))
	defer system.Shutdown()
	rr, err := startRemote(system, o.remote) // nil without -compute
	if err != nil {
		return err
	}
	defer rr.close()

	sink := &outcomeSink{}
	opts := append(physics.DeliveryOptions(rr.policies(faultPolicies(o), g.Nodes, g.Stats.Edges)),
		middleware.WithLogger(log), middleware.WithOutcome(sink.observe))
	d, err := middleware.New(system, opts...)
	if err != nil {
		return err
	}
	defer d.Close()
	fc, link := forceComputeProps(system, d, o, log)
	if link != nil {
		defer link.Close()
	}

	events := make(chan *protocol.Event, 256)
	limit := uint64(o.ticks)
	energy := o.settle
	switch {
	case o.serve != "":
		limit = uint64(o.ticks) // live: no limit unless -ticks says so; sleeps at equilibrium
	case o.ticks == 0:
		limit = uint64(o.maxTicks)
	default:
		energy = 1e-300 // run exactly -ticks; "settled" is judged at the end
	}
	pid, err := physics.Spawn(system.Root, physics.Config{
		Delivery: d, ForceCompute: fc, Remote: rr.forceCompute(), RemoteTimeout: rr.timeout(), Backend: o.backend, Params: o.params, Graph: g.Graph,
		Settle: true, EnergyPerNode: energy, CalmTicks: 10, MaxIterations: limit, Logger: log,
		PlainStart: o.ticks > 0, // -ticks N runs ticks 0 to N-1; to equilibrium, the multilevel start
		OnEvent: func(e *protocol.Event) {
			select {
			case events <- e:
			default: // the run reads every event it needs; never block the loop
			}
		},
	})
	if err != nil {
		return err
	}
	defer func() { _ = system.Root.StopFuture(pid).Wait() }()
	if o.serve != "" {
		sim := &liveSim{system: system, pid: pid, d: d, graph: &g.Graph, params: o.params, dims: o.params.Dims}
		return serveLive(ctx, o, sim, sink, log, stdout)
	}

	var rep *progress.Reporter
	if !o.quiet {
		rep = progress.New(progress.Config{Out: stderr, Terminal: progress.IsTerminal(stderr),
			Settle: o.settle * float64(g.Nodes), MaxTicks: int(limit)})
	}
	end, err := wait(ctx, system, pid, events, rep, stderr)
	if err != nil {
		return err
	}
	st, err := stats(system, pid)
	if err != nil {
		return err
	}
	pos, err := positions(system, pid, g.Nodes, o.params.Dims)
	if err != nil {
		return err
	}
	settled := end == physics.EventEquilibrium ||
		(o.ticks > 0 && st.KineticEnergy/float64(g.Nodes) < o.settle)
	if rep != nil {
		rep.Update(int(st.Iteration), st.KineticEnergy)
		rep.Finish(settled)
	}
	if o.out != "" {
		if err := graphio.WritePositions(o.out, g.Labels, pos, g.Nodes, o.params.Dims); err != nil {
			return err
		}
	}
	if o.png != "" {
		if err := render.WritePNG(o.png, &g.Graph, pos, o.params.Dims, render.Options{Width: o.pngW, Height: o.pngH}); err != nil {
			return err
		}
	}
	// Drain while ForceCompute still runs: a re-sent step whose ack was
	// lost is then re-acked, not ended as a dead letter by the stop. What
	// is still pending then becomes Abandoned, before the stop: the books
	// are final, and the stop can add no dead letter to them.
	drain(d, drainFor)
	_ = d.Close()
	_ = system.Root.StopFuture(pid).Wait()
	remote := rr.report(system, st)
	r := newReport(g, o, st, settled, time.Since(start), d.Tracker().Summary())
	r.Remote = remote
	if o.json {
		return r.writeJSON(stdout)
	}
	r.writeText(stdout)
	if end == physics.EventFailed {
		return errors.New("the layout stopped: recovery gave up (see the events above)")
	}
	return nil
}

// drainFor bounds the wait, at the end, for the outcomes of messages
// still pending (re-sends of steps whose ack was lost).
const drainFor = 5 * time.Second

// drain waits until nothing is pending, or for at most max.
func drain(d *middleware.Delivery, max time.Duration) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(max)
	for d.Tracker().Pending() > 0 {
		select {
		case <-tick.C:
		case <-deadline:
			return
		}
	}
}

// faultPolicies shortens the timeouts when faults are injected, so lost
// messages are re-sent within a fraction of a second (the adaptive
// timeout still follows slow acks); otherwise the protocol's defaults.
func faultPolicies(o options) map[messaging.Kind]messaging.Policy {
	if o.drop == 0 && o.dup == 0 && o.crash == 0 {
		return nil
	}
	m := map[messaging.Kind]messaging.Policy{}
	for _, k := range protocol.Kinds() {
		p := protocol.DefaultPolicies()[k]
		p.Timeout, p.MaxRetries = 100*time.Millisecond, 10
		p.Backoff = messaging.Backoff{Base: 10 * time.Millisecond, Multiplier: 2, Max: 400 * time.Millisecond}
		m[k] = p
	}
	return m
}

// forceComputeProps returns the ForceCompute Props, with the faults the
// flags ask for: a lossy link on its messages and acks, and a panic on
// every Nth ComputeForces.
func forceComputeProps(system *actor.ActorSystem, d *middleware.Delivery, o options, log *slog.Logger) (*actor.Props, *lossy.Link) {
	prod := forcecompute.Producer(forcecompute.Config{Delivery: d, Logger: log})
	if o.crash > 0 {
		prod, _ = lossy.PanicEvery[*protocol.ComputeForces](prod, int64(o.crash))
	}
	var opts []actor.PropsOption
	var link *lossy.Link
	if o.drop > 0 || o.dup > 0 {
		link = lossy.New(system, lossy.Config{MsgLoss: o.drop, AckLoss: o.drop, Dup: o.dup, Seed: o.seed})
		opts = append(opts, actor.WithReceiverMiddleware(link.Middleware()))
	}
	opts = append(opts, d.PropsOption())
	return actor.PropsFromProducer(prod, opts...), link
}

// wait follows the run until equilibrium, the tick limit or a failure,
// showing progress and telling recoveries on stderr. It returns the
// event kind that ended the run.
func wait(ctx context.Context, system *actor.ActorSystem, pid *actor.PID, events <-chan *protocol.Event, rep *progress.Reporter, stderr io.Writer) (string, error) {
	poll := time.NewTicker(pollEvery)
	defer poll.Stop()
	for {
		select {
		case e := <-events:
			switch e.Kind {
			case physics.EventEquilibrium, physics.EventLimit, physics.EventFailed:
				return e.Kind, nil
			case physics.EventRecovering, physics.EventRecovered, physics.EventFallback, physics.EventPartial, physics.EventLocal:
				fmt.Fprintf(stderr, "sim: %s at tick %d: %s\n", e.Kind, e.Iteration, e.Reason)
			}
		case <-poll.C:
			if rep == nil {
				continue
			}
			if st, err := stats(system, pid); err == nil {
				rep.Update(int(st.Iteration), st.KineticEnergy)
			}
		case <-ctx.Done():
			return "", fmt.Errorf("interrupted: %w", ctx.Err())
		}
	}
}

func stats(system *actor.ActorSystem, pid *actor.PID) (*physics.Stats, error) {
	r, err := system.Root.RequestFuture(pid, &physics.GetStats{}, 30*time.Second).Result()
	if err != nil {
		return nil, fmt.Errorf("orchestrator stats: %w", err)
	}
	return r.(*physics.Stats), nil
}

// positions returns the layout the orchestrator holds, as structure of arrays.
func positions(system *actor.ActorSystem, pid *actor.PID, n, dims int) ([]float32, error) {
	r, err := system.Root.RequestFuture(pid, &protocol.GetPositions{}, 30*time.Second).Result()
	if err != nil {
		return nil, fmt.Errorf("orchestrator positions: %w", err)
	}
	f, ok := r.(*protocol.PositionsFrame)
	if !ok {
		return nil, fmt.Errorf("orchestrator positions: got %T", r)
	}
	pos, err := protocol.Unpack(nil, f.Positions)
	if err != nil {
		return nil, err
	}
	if len(pos) != n*dims {
		return nil, fmt.Errorf("orchestrator positions: %d values, want %d", len(pos), n*dims)
	}
	for _, v := range pos {
		if math.IsNaN(float64(v)) {
			return nil, errors.New("the layout holds NaN positions")
		}
	}
	return pos, nil
}
