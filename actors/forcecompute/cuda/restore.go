//go:build cuda

package cuda

import "github.com/protoack/protoack/actors/forcecompute/kernel"

// SetPositions replaces every position on the device, stops every node and
// re-applies pins.
func (k *Kernel) SetPositions(src []float32) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if !k.up {
		return kernel.ErrNoGraph
	}
	if err := kernel.CheckPositions(src, k.g.Nodes, k.p.Dims); err != nil {
		return err
	}
	if err := k.dev.setPositions(src); err != nil {
		return err
	}
	k.ke = 0
	return k.setConstraints(k.cons) // moves pinned nodes back to their pins
}

// SetTicks sets the tick count the alpha schedule reads.
func (k *Kernel) SetTicks(t int) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if !k.up {
		return kernel.ErrNoGraph
	}
	if err := kernel.CheckTicks(t); err != nil {
		return err
	}
	k.ticks = t
	return nil
}
