package cpu

import "github.com/protoack/protoack/actors/forcecompute/kernel"

// SetPositions replaces every position (src in the caller's order, as
// Positions writes it), stops every node and re-applies pins.
func (k *Kernel) SetPositions(src []float32) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if k.g.RowPtr == nil {
		return kernel.ErrNoGraph
	}
	n, d := k.n, k.p.Dims
	if err := kernel.CheckPositions(src, n, d); err != nil {
		return err
	}
	for c := 0; c < d; c++ {
		s, dst := src[c*n:(c+1)*n], k.pos[c*n:(c+1)*n]
		for e, v := range s {
			dst[k.intl[e]] = v
		}
	}
	clear(k.vel)
	k.ke = 0
	k.applyPins()
	return nil
}

// SetTicks sets the tick count the alpha schedule reads.
func (k *Kernel) SetTicks(t int) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if k.g.RowPtr == nil {
		return kernel.ErrNoGraph
	}
	if err := kernel.CheckTicks(t); err != nil {
		return err
	}
	k.ticks = t
	return nil
}
