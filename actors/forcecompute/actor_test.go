package forcecompute_test

import (
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute"
	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/lossy"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

const wait = 30 * time.Second

// harness is a real actor system with a Delivery and one ForceCompute.
type harness struct {
	t    *testing.T
	sys  *actor.ActorSystem
	d    *middleware.Delivery
	out  chan middleware.Outcome
	pid  *actor.PID
	link *lossy.Link
}

type setup struct {
	policy  *messaging.Policy // for every kind; nil: defaults
	dedup   []middleware.Option
	lossy   *lossy.Config
	produce func(actor.Producer) actor.Producer // wraps the actor
	shared  map[string]kernel.Kernel
}

func newHarness(t *testing.T, s setup) *harness {
	t.Helper()
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(slog.DiscardHandler)
	}), actor.WithDeadLetterThrottleInterval(time.Millisecond))
	h := &harness{t: t, sys: sys, out: make(chan middleware.Outcome, 1024)}
	var over map[messaging.Kind]messaging.Policy
	if s.policy != nil {
		over = map[messaging.Kind]messaging.Policy{}
		for _, k := range protocol.Kinds() {
			over[k] = *s.policy
		}
	}
	opts := append(protocol.Options(over), middleware.WithOutcome(func(o middleware.Outcome) { h.out <- o }))
	d, err := middleware.New(sys, append(opts, s.dedup...)...)
	if err != nil {
		t.Fatal(err)
	}
	h.d = d
	t.Cleanup(func() {
		_ = sys.Root.StopFuture(h.pid).Wait()
		d.Close()
		if h.link != nil {
			h.link.Close()
		}
		sys.Shutdown()
	})
	prod := forcecompute.Producer(forcecompute.Config{Delivery: d, Shared: s.shared})
	if s.produce != nil {
		prod = s.produce(prod)
	}
	var popts []actor.PropsOption
	if s.lossy != nil {
		h.link = lossy.New(sys, *s.lossy)
		popts = append(popts, actor.WithReceiverMiddleware(h.link.Middleware()))
	}
	h.pid = sys.Root.Spawn(actor.PropsFromProducer(prod, append(popts, d.PropsOption())...))
	return h
}

// send sends a tracked message and returns its outcome.
func (h *harness) send(msg any) middleware.Outcome {
	h.t.Helper()
	if _, err := h.d.Send(h.d.RootContext(), h.pid, msg); err != nil {
		h.t.Fatal(err)
	}
	return h.outcome(msg)
}

// outcome waits for the outcome of msg.
func (h *harness) outcome(msg any) middleware.Outcome {
	h.t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case o := <-h.out:
			if o.Message == msg {
				return o
			}
		case <-deadline:
			h.t.Fatalf("no outcome for %T", msg)
		}
	}
}

// step sends ComputeForces as a request and returns the reply and outcome.
func (h *harness) step(seq uint64, ticks int32) (*protocol.StepCompleted, middleware.Outcome) {
	h.t.Helper()
	m := &protocol.ComputeForces{Seq: seq, Ticks: ticks}
	f := h.d.RootContext().RequestFuture(h.pid, m, wait)
	o := h.outcome(m)
	if o.Result != messaging.ResultSuccess {
		h.t.Fatalf("ComputeForces %d: %v %q", seq, o.Result, o.Ack.Reason)
	}
	r, err := f.Result()
	if err != nil {
		h.t.Fatalf("StepCompleted %d: %v", seq, err)
	}
	return r.(*protocol.StepCompleted), o
}

// positions asks for a PositionsFrame.
func (h *harness) positions() *protocol.PositionsFrame {
	h.t.Helper()
	r, err := h.sys.Root.RequestFuture(h.pid, &protocol.GetPositions{}, wait).Result()
	if err != nil {
		h.t.Fatal(err)
	}
	return r.(*protocol.PositionsFrame)
}

func expect(t *testing.T, what string, o middleware.Outcome, result messaging.Result, meta map[string]string) {
	t.Helper()
	if o.Result != result {
		t.Fatalf("%s: %v (%q), want %v", what, o.Result, o.Ack.Reason, result)
	}
	for k, v := range meta {
		if got := o.Ack.Metadata[k]; got != v {
			t.Errorf("%s: metadata %s = %q, want %q", what, k, got, v)
		}
	}
}

func params() kernel.Params {
	p := kernel.Defaults()
	p.Workers = 2
	return p
}

func unpack(t *testing.T, b []byte) []float32 {
	t.Helper()
	v, err := protocol.Unpack(nil, b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLifecycle drives every tracked kind and checks each ack, after the
// effect, against a kernel driven directly with the same calls.
func TestLifecycle(t *testing.T) {
	h := newHarness(t, setup{})
	const n = 300
	g := kerneltest.BAGraph(n, 2, 7)

	expect(t, "ComputeForces before InitializeGPU", h.send(&protocol.ComputeForces{Seq: 1, Ticks: 1}),
		messaging.ResultFailed, map[string]string{protocol.MetaCause: protocol.CauseNoKernel})
	expect(t, "InitializeGPU", h.send(&protocol.InitializeGPU{Backend: protocol.Backend_BACKEND_CPU, Params: protocol.FromParams(params())}),
		messaging.ResultSuccess, map[string]string{protocol.MetaBackend: "cpu", protocol.MetaNodes: "0", protocol.MetaIteration: "0"})
	expect(t, "ComputeForces before a graph", h.send(&protocol.ComputeForces{Seq: 1, Ticks: 1}),
		messaging.ResultFailed, map[string]string{protocol.MetaCause: protocol.CauseNoGraph})
	o := h.send(&protocol.UpdateGPUGraphData{Nodes: 3, EdgeA: []int32{0}, EdgeB: []int32{9}})
	expect(t, "invalid graph", o, messaging.ResultFailed, map[string]string{protocol.MetaCause: protocol.CauseInvalid})
	if !strings.Contains(o.Ack.Reason, "invalid graph") || !strings.Contains(o.Ack.Reason, "out of range") {
		t.Errorf("invalid graph reason %q", o.Ack.Reason)
	}
	expect(t, "graph", h.send(protocol.FromGraph(g)), messaging.ResultSuccess, map[string]string{
		protocol.MetaNodes: "300", protocol.MetaEdges: itoa(len(g.Col) / 2), protocol.MetaIteration: "0", protocol.MetaBackend: "cpu"})

	good := kernel.Constraints{
		Pins:      []kernel.Pin{{Node: 5, X: 1, Y: 2, Z: 3}},
		Distances: []kernel.Distance{{A: 10, B: 20, Length: 4}},
	}
	all := good
	all.Pins = append(slices.Clone(all.Pins), kernel.Pin{Node: 900})
	all.Distances = append([]kernel.Distance{{A: 1, B: -3, Length: 1}}, all.Distances...)
	o = h.send(protocol.FromConstraints(all))
	expect(t, "constraints", o, messaging.ResultPartialSuccess, map[string]string{protocol.MetaRejected: "pins[1],distances[0]"})
	for _, s := range []string{"rejected 2 of 4", "pins[1]: node 900", "out of range", "distances[0]: nodes (1,-3)"} {
		if !strings.Contains(o.Ack.Reason, s) {
			t.Errorf("constraints reason %q lacks %q", o.Ack.Reason, s)
		}
	}

	ref, err := cpu.New(params())
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	if err := ref.Upload(g); err != nil {
		t.Fatal(err)
	}
	if err := ref.SetConstraints(good); err != nil {
		t.Fatal(err)
	}
	for seq := uint64(1); seq <= 3; seq++ {
		done, o := h.step(seq, 2)
		if err := ref.Step(2); err != nil {
			t.Fatal(err)
		}
		if done.Seq != seq || done.Iteration != 2*seq || done.Backend != "cpu" || done.Nodes != n || done.Dims != 3 {
			t.Fatalf("StepCompleted %+v", done)
		}
		expect(t, "ComputeForces", o, messaging.ResultSuccess, map[string]string{
			protocol.MetaIteration: itoa(int(2 * seq)), protocol.MetaSeq: itoa(int(seq))})
		if done.KineticEnergy != ref.KineticEnergy() {
			t.Errorf("kinetic energy %v, kernel alone %v", done.KineticEnergy, ref.KineticEnergy())
		}
		want := make([]float32, 3*n)
		ref.Positions(want)
		if got := unpack(t, done.Positions); !slices.Equal(got, want) {
			t.Fatalf("step %d: positions differ from the kernel driven alone", seq)
		}
	}

	// A drag pins node 7; a node out of range is rejected.
	o = h.send(&protocol.UpdateNodePositions{Nodes: []*protocol.NodePosition{
		{Node: 7, X: 50, Y: 60, Z: 70, Pin: true}, {Node: 301, X: 1}}})
	expect(t, "drag", o, messaging.ResultPartialSuccess, map[string]string{protocol.MetaRejected: "nodes[1]"})
	h.step(4, 3)
	f := h.positions()
	pos := unpack(t, f.Positions)
	if pos[7] != 50 || pos[n+7] != 60 || pos[2*n+7] != 70 {
		t.Errorf("pinned node 7 at (%v,%v,%v), want (50,60,70)", pos[7], pos[n+7], pos[2*n+7])
	}

	// A restore sets every position and the tick count.
	saved := unpack(t, f.Positions)
	saved[0] = 1234
	ticks := uint64(100)
	expect(t, "restore", h.send(&protocol.UpdateNodePositions{Positions: protocol.Pack(nil, saved), Ticks: &ticks}),
		messaging.ResultSuccess, map[string]string{protocol.MetaIteration: "100"})
	f = h.positions()
	if f.Iteration != 100 || !slices.Equal(unpack(t, f.Positions), saved) {
		t.Errorf("after restore: iteration %d, positions equal %v", f.Iteration, slices.Equal(unpack(t, f.Positions), saved))
	}
	o = h.send(&protocol.UpdateNodePositions{Positions: protocol.Pack(nil, saved[:10])})
	expect(t, "short restore", o, messaging.ResultFailed, map[string]string{protocol.MetaCause: protocol.CauseInvalid})
	if !strings.Contains(o.Ack.Reason, "len(src)=10") {
		t.Errorf("short restore reason %q", o.Ack.Reason)
	}
	bad := protocol.FromParams(params())
	bad.Theta = 7
	o = h.send(&protocol.ComputeForces{Seq: 5, Ticks: 1, Params: bad})
	expect(t, "bad params", o, messaging.ResultFailed, map[string]string{protocol.MetaCause: protocol.CauseInvalid})
	if !strings.Contains(o.Ack.Reason, "Theta") {
		t.Errorf("bad params reason %q", o.Ack.Reason)
	}
}

// TestCUDAUnavailable: on a machine without CUDA, InitializeGPU on cuda
// fails with the cause, and SetSharedGPUContext of device 1 too.
func TestCUDAUnavailable(t *testing.T) {
	if ok, _ := cuda.Available(); ok {
		t.Skip("CUDA is usable here")
	}
	h := newHarness(t, setup{})
	o := h.send(&protocol.InitializeGPU{Backend: protocol.Backend_BACKEND_CUDA})
	expect(t, "InitializeGPU cuda", o, messaging.ResultFailed, map[string]string{protocol.MetaCause: protocol.CauseCUDAUnavailable})
	if !strings.Contains(o.Ack.Reason, "cuda") {
		t.Errorf("reason %q does not say why", o.Ack.Reason)
	}
	expect(t, "SetSharedGPUContext device 1", h.send(&protocol.SetSharedGPUContext{Device: 1}),
		messaging.ResultFailed, map[string]string{protocol.MetaCause: protocol.CauseCUDAUnavailable})
}

// TestResentComputeForcesStepsOnce: over a link that loses messages and
// acks and duplicates deliveries, every ComputeForces is re-sent until
// acked, yet the kernel steps exactly once per message.
func TestResentComputeForcesStepsOnce(t *testing.T) {
	pol := messaging.Policy{Timeout: 20 * time.Millisecond, MaxRetries: 40,
		Backoff: messaging.Backoff{Base: 2 * time.Millisecond, Multiplier: 2, Max: 20 * time.Millisecond}}
	var handled atomic.Int64 // ComputeForces reaching the actor's handler
	h := newHarness(t, setup{
		policy: &pol,
		lossy:  &lossy.Config{MsgLoss: 0.3, AckLoss: 0.5, Dup: 0.3, Seed: 3},
		produce: func(p actor.Producer) actor.Producer {
			return func() actor.Actor { return counting{p(), &handled} }
		},
	})
	expect(t, "InitializeGPU", h.send(&protocol.InitializeGPU{Backend: protocol.Backend_BACKEND_CPU, Params: protocol.FromParams(params())}),
		messaging.ResultSuccess, nil)
	expect(t, "graph", h.send(protocol.FromGraph(kerneltest.BAGraph(100, 2, 1))), messaging.ResultSuccess, nil)
	const steps = 40
	attempts := 0
	for seq := uint64(1); seq <= steps; seq++ {
		o := h.send(&protocol.ComputeForces{Seq: seq, Ticks: 1})
		expect(t, "ComputeForces", o, messaging.ResultSuccess, map[string]string{protocol.MetaIteration: itoa(int(seq))})
		attempts += o.Attempts
	}
	if got := h.positions().Iteration; got != steps {
		t.Errorf("kernel ticks = %d after %d ComputeForces, want %d", got, steps, steps)
	}
	if got := handled.Load(); got != steps {
		t.Errorf("handler ran %d times for %d ComputeForces", got, steps)
	}
	st := h.link.Stats()
	if st.AckDropped == 0 || st.Duplicated == 0 || st.MsgDropped == 0 || attempts <= steps {
		t.Errorf("the link did not exercise re-sends: %+v, %d attempts", st, attempts)
	}
	t.Logf("%d ComputeForces in %d attempts; link %+v", steps, attempts, st)
}

// counting counts ComputeForces reaching the handler, then delegates.
type counting struct {
	actor.Actor
	n *atomic.Int64
}

func (c counting) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(*protocol.ComputeForces); ok {
		c.n.Add(1)
	}
	c.Actor.Receive(ctx)
}

// TestReleasesKernel: the kernel is closed when the actor restarts after
// a panic, and when it stops. An adopted shared kernel shows it.
func TestReleasesKernel(t *testing.T) {
	for _, how := range []string{"restart", "stop"} {
		t.Run(how, func(t *testing.T) {
			k, err := cpu.New(params())
			if err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, setup{
				shared: map[string]kernel.Kernel{"main": k},
				produce: func(p actor.Producer) actor.Producer {
					return func() actor.Actor { return panicOnPause{p()} }
				},
			})
			expect(t, "share", h.send(&protocol.SetSharedGPUContext{SharedKernel: "main"}), messaging.ResultSuccess,
				map[string]string{protocol.MetaBackend: "cpu"})
			expect(t, "graph", h.send(protocol.FromGraph(kerneltest.BAGraph(50, 2, 1))), messaging.ResultSuccess, nil)
			h.step(1, 1)
			if how == "restart" {
				h.sys.Root.Send(h.pid, &protocol.Pause{})
				// After the restart the actor has no kernel.
				expect(t, "ComputeForces after restart", h.send(&protocol.ComputeForces{Seq: 2, Ticks: 1}),
					messaging.ResultFailed, map[string]string{protocol.MetaCause: protocol.CauseNoKernel})
			} else if err := h.sys.Root.StopFuture(h.pid).Wait(); err != nil {
				t.Fatal(err)
			}
			if err := k.Step(1); !errors.Is(err, kernel.ErrClosed) {
				t.Errorf("shared kernel after %s: Step = %v, want ErrClosed", how, err)
			}
		})
	}
}

// panicOnPause panics on Pause, to make the actor restart.
type panicOnPause struct{ actor.Actor }

func (p panicOnPause) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(*protocol.Pause); ok {
		panic("test: restart")
	}
	p.Actor.Receive(ctx)
}

func itoa(v int) string { return strconv.Itoa(v) }

func TestPropsNeedsDelivery(t *testing.T) {
	if _, err := forcecompute.Props(forcecompute.Config{}); err == nil || !strings.Contains(err.Error(), "Delivery") {
		t.Errorf("Props without a Delivery: %v, want an error naming it", err)
	}
}
