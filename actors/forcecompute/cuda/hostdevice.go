//go:build cuda

package cuda

import (
	"errors"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// hostDevice is a device that keeps the state in host memory and ticks with
// emulate, the device algorithm run serially on the host. A Kernel over it
// (NewEmulated) runs all of Kernel's own logic without a GPU; only the CUDA
// plumbing of context.cu and kernels.cu is left out.
type hostDevice struct {
	p        kernel.Params
	g        kernel.Graph
	pk       packed
	pos, vel []float32
	snap     []float32 // nil: no snapshot since upload
	released bool
}

// NewEmulated returns a Kernel (named "cuda-emulated") that runs the device
// algorithm serially on the host: the same keys, tree, walk and force law
// as the GPU, so the two agree to rounding. It needs no GPU; tests and
// gpu-check hold the GPU to it. It is slow: use small graphs.
func NewEmulated(p kernel.Params) (kernel.Kernel, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return newHostKernel(p), nil
}

func newHostKernel(p kernel.Params) *Kernel {
	return &Kernel{dev: &hostDevice{p: p}, p: p, name: "cuda-emulated"}
}

func (h *hostDevice) setParams(p kernel.Params) error { h.p = p; return nil }

func (h *hostDevice) upload(g kernel.Graph, dims int, pos, vel []float32) error {
	if dims != h.p.Dims {
		return errors.New("hostDevice: upload dims differ from the parameters")
	}
	h.g = g
	h.pos = append([]float32(nil), pos...)
	h.vel = append([]float32(nil), vel...)
	h.pk = pack(kernel.Constraints{}, g.Nodes)
	h.snap = nil
	return nil
}

// setConstraints also moves pinned nodes, as fc_apply_pins does.
func (h *hostDevice) setConstraints(pk *packed) error {
	h.pk = *pk
	n := h.g.Nodes
	for i, j := range pk.pinOf {
		if j < 0 {
			continue
		}
		for d := 0; d < h.p.Dims; d++ {
			h.pos[d*n+i], h.vel[d*n+i] = pk.pinPos[3*int(j)+d], 0
		}
	}
	return nil
}

func (h *hostDevice) step(alpha []float32) (float64, error) {
	return emulate(h.p, h.g, &h.pk, h.pos, h.vel, alpha)
}

func (h *hostDevice) snapshot() error {
	h.snap = append(h.snap[:0], h.pos...)
	return nil
}

func (h *hostDevice) collect(dst []float32) error {
	if h.snap == nil {
		h.snapshot()
	}
	copy(dst, h.snap)
	return nil
}

func (h *hostDevice) download(pos, vel []float32) error {
	copy(pos, h.pos)
	copy(vel, h.vel)
	return nil
}

func (h *hostDevice) setPositions(pos []float32) error {
	copy(h.pos, pos)
	clear(h.vel)
	h.snap = nil
	return nil
}

func (h *hostDevice) release() error {
	if h.released {
		return errors.New("hostDevice: released twice")
	}
	h.released = true
	return nil
}
