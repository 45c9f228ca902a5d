//go:build cuda

package cuda

/*
#include "forcecompute.h"
*/
import "C"

import "github.com/protoack/protoack/actors/forcecompute/kernel"

// device is what Kernel needs of the GPU: the C API of forcecompute.h. Tests
// substitute a host implementation to check Kernel's own logic.
type device interface {
	setParams(p kernel.Params) error
	// upload replaces the graph (Weight not nil) and the state.
	upload(g kernel.Graph, dims int, pos, vel []float32) error
	setConstraints(pk *packed) error
	// step runs len(alpha) ticks and returns the kinetic energy after them.
	step(alpha []float32) (float64, error)
	snapshot() error
	collect(dst []float32) error
	download(pos, vel []float32) error
	// setPositions replaces the positions (len dims*n) and zeroes the
	// velocities; pins are left to setConstraints.
	setPositions(pos []float32) error
	release() error
}

// gpu is device 0 through cgo; every call runs on its locked thread.
type gpu struct {
	th  *thread
	ctx *C.fc_ctx
}

// openGPU probes the driver and creates a context with parameters p.
func openGPU(p kernel.Params) (*gpu, error) {
	d := &gpu{th: startThread()}
	var err error
	d.th.do(func() {
		if err = probe(); err != nil {
			return
		}
		var ctx *C.fc_ctx
		rc := C.fc_create(&ctx)
		if ctx == nil {
			err = codeError("fc_create", rc)
			return
		}
		d.ctx = ctx
		if rc != 0 {
			err = ctxError(ctx, rc)
			return
		}
		cp := cParams(p)
		err = ctxError(ctx, C.fc_set_params(ctx, &cp))
	})
	if err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

func (d *gpu) setParams(p kernel.Params) error {
	var err error
	d.th.do(func() {
		cp := cParams(p)
		err = ctxError(d.ctx, C.fc_set_params(d.ctx, &cp))
	})
	return err
}

func (d *gpu) upload(g kernel.Graph, dims int, pos, vel []float32) error {
	var err error
	d.th.do(func() {
		rc := C.fc_upload(d.ctx, C.int(g.Nodes), C.int(dims), fptr(pos), fptr(vel),
			iptr(g.RowPtr), iptr(g.Col), fptr(g.Weight))
		err = ctxError(d.ctx, rc)
	})
	return err
}

func (d *gpu) setConstraints(pk *packed) error {
	var err error
	d.th.do(func() {
		pk.with(func(cc *C.fc_constraints) {
			err = ctxError(d.ctx, C.fc_set_constraints(d.ctx, cc))
		})
	})
	return err
}

func (d *gpu) step(alpha []float32) (float64, error) {
	var err error
	var ke C.double
	d.th.do(func() {
		err = ctxError(d.ctx, C.fc_step(d.ctx, fptr(alpha), C.int(len(alpha)), &ke))
	})
	return float64(ke), err
}

func (d *gpu) snapshot() error {
	var err error
	d.th.do(func() {
		err = ctxError(d.ctx, C.fc_snapshot(d.ctx))
	})
	return err
}

func (d *gpu) collect(dst []float32) error {
	var err error
	d.th.do(func() {
		err = ctxError(d.ctx, C.fc_collect(d.ctx, fptr(dst)))
	})
	return err
}

func (d *gpu) download(pos, vel []float32) error {
	var err error
	d.th.do(func() {
		err = ctxError(d.ctx, C.fc_download(d.ctx, fptr(pos), fptr(vel)))
	})
	return err
}

func (d *gpu) setPositions(pos []float32) error {
	var err error
	d.th.do(func() {
		err = ctxError(d.ctx, C.fc_set_positions(d.ctx, fptr(pos)))
	})
	return err
}

// release frees everything on the device and stops the thread, reporting
// the first CUDA call that failed on the way.
func (d *gpu) release() error {
	var err error
	d.th.do(func() {
		if d.ctx != nil {
			err = ctxError(d.ctx, C.fc_release(d.ctx))
			C.fc_free(d.ctx)
			d.ctx = nil
		}
	})
	d.th.stop()
	return err
}
