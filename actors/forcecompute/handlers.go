package forcecompute

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// initialize opens a kernel on the requested backend, closing the old one.
func (c *computer) initialize(m *protocol.InitializeGPU) middleware.Reply {
	p := kernel.Defaults()
	if m.GetParams() != nil {
		p = m.GetParams().Kernel()
	}
	c.release()
	c.nodes, c.edges, c.cons = 0, 0, kernel.Constraints{}
	backend := m.GetBackend().Name()
	k, err := Open(backend, p, c.cfg.Logger)
	if err != nil {
		var pe *kernel.ParamError
		switch {
		case errors.As(err, &pe):
			return c.failed(protocol.CauseInvalid, "invalid params: "+err.Error())
		case backend == BackendCUDA:
			return c.failed(protocol.CauseCUDAUnavailable, err.Error())
		}
		return c.failed(protocol.CauseKernel, err.Error())
	}
	c.k, c.params = k, p
	return c.success()
}

// share switches to a CUDA device, or adopts a shared kernel. Either way
// the graph must be uploaded again.
func (c *computer) share(m *protocol.SetSharedGPUContext) middleware.Reply {
	if name := m.GetSharedKernel(); name != "" {
		k, ok := c.cfg.Shared[name]
		if !ok || k == nil {
			return c.failed(protocol.CauseInvalid, fmt.Sprintf("no shared kernel %q in Config.Shared", name))
		}
		if k != c.k {
			c.release()
			c.k = k
		}
		c.graph, c.nodes, c.edges, c.cons = false, 0, 0, kernel.Constraints{}
		return c.success()
	}
	if dev := m.GetDevice(); dev != 0 {
		return c.failed(protocol.CauseCUDAUnavailable, fmt.Sprintf("device %d: the CUDA kernel uses device 0 only", dev))
	}
	if c.k != nil && c.k.Name() == BackendCUDA {
		return c.success()
	}
	p := c.params
	if c.k == nil {
		p = kernel.Defaults()
	}
	k, err := Open(BackendCUDA, p, c.cfg.Logger)
	if err != nil {
		return c.failed(protocol.CauseCUDAUnavailable, err.Error())
	}
	c.release()
	c.k, c.params = k, p
	c.graph, c.nodes, c.edges, c.cons = false, 0, 0, kernel.Constraints{}
	return c.success()
}

// upload replaces the graph.
func (c *computer) upload(m *protocol.UpdateGPUGraphData) middleware.Reply {
	if c.k == nil {
		return c.failed(protocol.CauseNoKernel, "no kernel: InitializeGPU first")
	}
	g, err := m.Graph()
	if err != nil {
		return c.failed(protocol.CauseInvalid, "invalid graph: "+err.Error())
	}
	if err := c.k.Upload(g); err != nil {
		c.graph = false
		return c.failed(protocol.CauseKernel, "kernel: "+err.Error())
	}
	c.graph, c.nodes, c.edges = true, g.Nodes, len(g.Col)/2
	c.cons = keep(c.cons, g.Nodes)
	return c.success()
}

// keep drops constraints naming nodes >= n, as the kernels do on Upload.
func keep(c kernel.Constraints, n int) kernel.Constraints {
	var out kernel.Constraints
	for _, p := range c.Pins {
		if int(p.Node) < n {
			out.Pins = append(out.Pins, p)
		}
	}
	for _, d := range c.Distances {
		if int(d.A) < n && int(d.B) < n {
			out.Distances = append(out.Distances, d)
		}
	}
	return out
}

// ready is the Failed reply when no kernel or graph is there, else nil.
func (c *computer) ready() *middleware.Reply {
	if c.k == nil {
		r := c.failed(protocol.CauseNoKernel, "no kernel: InitializeGPU first")
		return &r
	}
	if !c.graph {
		r := c.failed(protocol.CauseNoGraph, "no graph uploaded")
		return &r
	}
	return nil
}

// constrain applies the valid constraints and names the rejected ones.
func (c *computer) constrain(m *protocol.UploadConstraintsToGPU) middleware.Reply {
	if r := c.ready(); r != nil {
		return *r
	}
	var ok kernel.Constraints
	var names, why []string
	all := m.Constraints()
	for i, p := range all.Pins {
		if err := (kernel.Constraints{Pins: []kernel.Pin{p}}).Validate(c.nodes); err != nil {
			names = append(names, "pins["+strconv.Itoa(i)+"]")
			why = append(why, fmt.Sprintf("pins[%d]: node %d: %v", i, p.Node, trimIndex(err)))
			continue
		}
		ok.Pins = append(ok.Pins, p)
	}
	for i, d := range all.Distances {
		if err := (kernel.Constraints{Distances: []kernel.Distance{d}}).Validate(c.nodes); err != nil {
			names = append(names, "distances["+strconv.Itoa(i)+"]")
			why = append(why, fmt.Sprintf("distances[%d]: nodes (%d,%d): %v", i, d.A, d.B, trimIndex(err)))
			continue
		}
		ok.Distances = append(ok.Distances, d)
	}
	if err := c.k.SetConstraints(ok); err != nil {
		return c.failed(protocol.CauseKernel, "kernel: "+err.Error())
	}
	c.cons = ok
	if len(names) > 0 {
		return c.partial(names, why, len(all.Pins)+len(all.Distances))
	}
	return c.success()
}

// partial is a PartialSuccess reply naming what was rejected and why.
func (c *computer) partial(names, why []string, total int) middleware.Reply {
	return middleware.Reply{
		Status:   messaging.StatusPartialSuccess,
		Reason:   fmt.Sprintf("rejected %d of %d: %s", len(names), total, strings.Join(why, "; ")),
		Metadata: c.meta(protocol.MetaRejected, strings.Join(names, ",")),
	}
}

// trimIndex drops kernel's "kernel: constraints: Pins[0]..." prefix, whose
// index is that of a one-element list.
func trimIndex(err error) string {
	s := err.Error()
	if i := strings.Index(s, "] "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// compute runs the step and replies StepCompleted to the requester.
func (c *computer) compute(ctx actor.Context, m *protocol.ComputeForces) middleware.Reply {
	if r := c.ready(); r != nil {
		return *r
	}
	if m.GetTicks() < 1 {
		return c.failed(protocol.CauseInvalid, fmt.Sprintf("ticks=%d must be >= 1", m.GetTicks()))
	}
	if m.GetParams() != nil {
		p := m.GetParams().Kernel()
		if err := c.k.SetParams(p); err != nil {
			return c.failed(protocol.CauseInvalid, "invalid params: "+err.Error())
		}
		c.params = p
	}
	start := time.Now()
	if err := c.k.Step(int(m.GetTicks())); err != nil {
		return c.failed(protocol.CauseKernel, "kernel: "+err.Error())
	}
	took := time.Since(start)
	done := &protocol.StepCompleted{
		Seq:           m.GetSeq(),
		Iteration:     uint64(c.k.Ticks()),
		KineticEnergy: c.k.KineticEnergy(),
		KernelNanos:   took.Nanoseconds(),
		Backend:       c.k.Name(),
		Nodes:         int32(c.nodes),
	}
	packed, err := protocol.PackFrom(3*c.nodes, c.k.Positions)
	if err != nil {
		return c.failed(protocol.CauseKernel, "kernel: "+err.Error())
	}
	done.Positions, done.Dims = packed, int32(c.params.Dims)
	if c.nodes > 0 {
		done.Dims = int32(len(packed) / 4 / c.nodes)
	}
	if ctx.Sender() != nil {
		ctx.Respond(done)
	}
	return c.success(protocol.MetaSeq, strconv.FormatUint(m.GetSeq(), 10),
		protocol.MetaEnergy, strconv.FormatFloat(done.KineticEnergy, 'g', -1, 64))
}

// positions reads the kernel's positions into scratch and returns them
// with the dimension count.
func (c *computer) positions() ([]float32, int, error) {
	if cap(c.pos) < 3*c.nodes {
		c.pos = make([]float32, 3*c.nodes)
	}
	m, err := c.k.Positions(c.pos[:3*c.nodes])
	if err != nil || c.nodes == 0 {
		return nil, c.params.Dims, err
	}
	return c.pos[:m], m / c.nodes, nil
}

// frame answers GetPositions; without a graph it holds no positions.
func (c *computer) frame() *protocol.PositionsFrame {
	f := &protocol.PositionsFrame{Nodes: int32(c.nodes)}
	if c.k == nil || !c.graph {
		f.Nodes = 0
		return f
	}
	pos, dims, err := c.positions()
	if err != nil {
		c.cfg.Logger.Warn("forcecompute: GetPositions", "err", err)
		f.Nodes = 0
		return f
	}
	f.Iteration, f.Dims, f.Positions = uint64(c.k.Ticks()), int32(dims), protocol.Pack(nil, pos)
	f.KineticEnergy, f.Backend = c.k.KineticEnergy(), c.k.Name()
	return f
}
