package main

import (
	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// emulatedDiag is the host emulation standing in for the GPU (-device
// emulated) with the GPU's tree diagnostics: TreeCheck reports the tree of
// the last tick, built again on the host over the positions before it. So
// every gate of gpu-check, the tree's included, runs without a GPU.
type emulatedDiag struct {
	kernel.Kernel
	p      kernel.Params
	n      int
	before []float32 // positions before the last tick
}

func newEmulatedDiag(p kernel.Params) (kernel.Kernel, error) {
	k, err := cuda.NewEmulated(p)
	if err != nil {
		return nil, err
	}
	return &emulatedDiag{Kernel: k, p: p}, nil
}

func (k *emulatedDiag) Upload(g kernel.Graph) error {
	if err := k.Kernel.Upload(g); err != nil {
		return err
	}
	k.n, k.before = g.Nodes, nil
	return nil
}

func (k *emulatedDiag) SetParams(p kernel.Params) error {
	if err := k.Kernel.SetParams(p); err != nil {
		return err
	}
	k.p = p
	return nil
}

// Step keeps the positions before its last tick.
func (k *emulatedDiag) Step(ticks int) error {
	if ticks > 1 {
		if err := k.Kernel.Step(ticks - 1); err != nil {
			return err
		}
		ticks = 1
	}
	k.before = make([]float32, k.p.Dims*k.n)
	if _, err := k.Kernel.Positions(k.before); err != nil {
		return err
	}
	return k.Kernel.Step(ticks)
}

// TreeCheck is cuda.Kernel's, from the host.
func (k *emulatedDiag) TreeCheck() (cuda.TreeReport, error) {
	r, err := cuda.EmulateTree(k.p, k.n, k.before, 16*k.p.Dims, cuda.WalkVote)
	r.Rep = nil
	return r, err
}
