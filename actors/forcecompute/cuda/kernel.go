//go:build cuda

package cuda

import (
	"errors"
	"fmt"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// maxBatch bounds the alpha values handed to the device per call of Step.
const maxBatch = 4096

// Kernel is the CUDA force kernel. Like every kernel.Kernel it is owned by
// one goroutine; its CUDA calls run on its own locked OS thread. Close frees
// the device memory and ends that thread.
type Kernel struct {
	dev    device
	name   string // "" is "cuda"
	p      kernel.Params
	closed bool

	g     kernel.Graph // own copy (Weight never nil), for re-uploads
	up    bool         // a graph is on the device
	ticks int
	ke    float64
	cons  kernel.Constraints

	alpha []float32 // per-tick scratch for Step
}

var _ kernel.Kernel = (*Kernel)(nil)

// New returns a CUDA kernel on device 0 with parameters p. It returns the
// *kernel.ParamError naming an invalid parameter, or an *Error carrying
// CUDA's text when no device can be used.
func New(p kernel.Params) (kernel.Kernel, error) {
	return newKernel(p)
}

func newKernel(p kernel.Params) (*Kernel, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	d, err := openGPU(p)
	if err != nil {
		return nil, err
	}
	return &Kernel{dev: d, p: p}, nil
}

// Name is "cuda" ("cuda-emulated" for NewEmulated's).
func (k *Kernel) Name() string {
	if k.name != "" {
		return k.name
	}
	return "cuda"
}

// Upload replaces the graph. Positions and velocities of nodes that existed
// before are kept; new nodes are placed by kernel.InitialPositions.
// Constraints that name removed nodes are dropped. Ticks restarts at 0.
func (k *Kernel) Upload(g kernel.Graph) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if err := g.Validate(); err != nil {
		return err
	}
	own := kernel.Graph{
		Nodes:  g.Nodes,
		RowPtr: append([]int32(nil), g.RowPtr...),
		Col:    append([]int32(nil), g.Col...),
		Weight: make([]float32, len(g.Col)),
	}
	if g.Weight != nil {
		copy(own.Weight, g.Weight)
	} else {
		for i := range own.Weight {
			own.Weight[i] = 1
		}
	}
	d, n, on := k.p.Dims, g.Nodes, k.g.Nodes
	keep := 0
	var oldPos, oldVel []float32
	if k.up && min(on, n) > 0 {
		keep = min(on, n)
		oldPos, oldVel = make([]float32, d*on), make([]float32, d*on)
		if err := k.dev.download(oldPos, oldVel); err != nil {
			return err
		}
	}
	pos := make([]float32, d*n)
	vel := make([]float32, d*n)
	for c := 0; c < d && keep > 0; c++ {
		copy(pos[c*n:c*n+keep], oldPos[c*on:c*on+keep])
		copy(vel[c*n:c*n+keep], oldVel[c*on:c*on+keep])
	}
	kernel.InitialPositions(k.p, keep, n, pos)
	if err := k.upload(own, pos, vel); err != nil {
		return err
	}
	return k.keepConstraints()
}

// upload sends g and the state to the device and restarts the tick count.
func (k *Kernel) upload(g kernel.Graph, pos, vel []float32) error {
	if err := k.dev.upload(g, k.p.Dims, pos, vel); err != nil {
		k.up = false // the device state is gone
		return err
	}
	k.g, k.up = g, true
	k.ticks, k.ke = 0, 0
	return nil
}

// keepConstraints drops constraints naming nodes >= n and re-applies pins.
func (k *Kernel) keepConstraints() error {
	n := k.g.Nodes
	var c kernel.Constraints
	for _, p := range k.cons.Pins {
		if int(p.Node) < n {
			c.Pins = append(c.Pins, p)
		}
	}
	for _, d := range k.cons.Distances {
		if int(d.A) < n && int(d.B) < n {
			c.Distances = append(c.Distances, d)
		}
	}
	return k.setConstraints(c)
}

// SetParams validates and applies p. A change of Dims re-places every node
// by kernel.InitialPositions and restarts Ticks; other changes keep state.
func (k *Kernel) SetParams(p kernel.Params) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if err := k.dev.setParams(p); err != nil {
		return err
	}
	dimsChanged := p.Dims != k.p.Dims
	k.p = p
	if dimsChanged && k.up {
		n := k.g.Nodes
		pos := make([]float32, p.Dims*n)
		kernel.InitialPositions(p, 0, n, pos)
		if err := k.upload(k.g, pos, make([]float32, p.Dims*n)); err != nil {
			return err
		}
		return k.setConstraints(k.cons)
	}
	return nil
}

// SetConstraints replaces all constraints; pinned nodes move to their pins
// at once. Before Upload only empty constraints are accepted.
func (k *Kernel) SetConstraints(c kernel.Constraints) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if err := c.Validate(k.g.Nodes); err != nil {
		if !k.up {
			return kernel.ErrNoGraph
		}
		return err
	}
	return k.setConstraints(kernel.Constraints{
		Pins:      append([]kernel.Pin(nil), c.Pins...),
		Distances: append([]kernel.Distance(nil), c.Distances...),
	})
}

func (k *Kernel) setConstraints(c kernel.Constraints) error {
	if k.up {
		pk := pack(c, k.g.Nodes)
		if err := k.dev.setConstraints(&pk); err != nil {
			return err
		}
	}
	k.cons = c
	return nil
}

// Step advances ticks ticks and waits for the GPU.
func (k *Kernel) Step(ticks int) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if !k.up {
		return kernel.ErrNoGraph
	}
	if ticks < 1 {
		return fmt.Errorf("cuda: Step: ticks=%d must be >= 1", ticks)
	}
	for ticks > 0 {
		b := min(ticks, maxBatch)
		k.alpha = k.alpha[:0]
		for t := 0; t < b; t++ {
			k.alpha = append(k.alpha, float32(kernel.Alpha(k.p, k.ticks+t)))
		}
		ke, err := k.dev.step(k.alpha)
		var ce *Error
		if err != nil && !(errors.As(err, &ce) && ce.Code == CodeMalformedTree) {
			return err
		}
		// The ticks ran, even on a malformed tree (wrong forces).
		k.ticks += b
		k.ke = ke
		if err != nil {
			return err
		}
		ticks -= b
	}
	return nil
}

// Positions copies the current positions into dst as structure of arrays.
func (k *Kernel) Positions(dst []float32) (int, error) {
	if err := k.Snapshot(); err != nil {
		return 0, err
	}
	return k.Collect(dst)
}

// Snapshot starts copying the current positions to host memory and returns
// without waiting, so that Step can run while they travel. Collect picks
// them up.
func (k *Kernel) Snapshot() error {
	if k.closed {
		return kernel.ErrClosed
	}
	if !k.up {
		return kernel.ErrNoGraph
	}
	if k.g.Nodes == 0 {
		return nil
	}
	return k.dev.snapshot()
}

// Collect waits for the latest Snapshot (taking one if there is none since
// Upload) and copies it into dst, which must hold Dims*NodeCount values. It
// returns the number of float32 written.
func (k *Kernel) Collect(dst []float32) (int, error) {
	if k.closed {
		return 0, kernel.ErrClosed
	}
	if !k.up {
		return 0, kernel.ErrNoGraph
	}
	n := k.p.Dims * k.g.Nodes
	if len(dst) < n {
		return 0, fmt.Errorf("cuda: Positions: len(dst)=%d, want >= Dims*NodeCount=%d", len(dst), n)
	}
	if n == 0 {
		return 0, nil
	}
	if err := k.dev.collect(dst); err != nil {
		return 0, err
	}
	return n, nil
}

// KineticEnergy is sum(0.5*|v|^2) after the last tick.
func (k *Kernel) KineticEnergy() float64 { return k.ke }

// Ticks counts ticks since the last Upload.
func (k *Kernel) Ticks() int { return k.ticks }

// Close frees the device memory, streams and events, and stops the thread;
// it reports the first CUDA call that failed on the way. Later calls return
// kernel.ErrClosed.
func (k *Kernel) Close() error {
	if k.closed {
		return kernel.ErrClosed
	}
	k.closed = true
	return k.dev.release()
}
