package forcecompute

import (
	"fmt"
	"log/slog"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Backend names accepted by Open.
const (
	BackendAuto = "auto"
	BackendCPU  = "cpu"
	BackendCUDA = "cuda"
)

// Open returns a kernel with parameters p on the named backend:
//
//   - "cpu": the parallel Go kernel;
//   - "cuda": the GPU kernel, or an error saying why it cannot be used (not
//     compiled in, or CUDA's own text such as a missing device);
//   - "auto": CUDA when it is compiled in and a device is usable, otherwise
//     the CPU kernel. The choice and its reason are logged at info level.
//
// Invalid parameters are rejected as *kernel.ParamError on every backend.
func Open(backend string, p kernel.Params, log *slog.Logger) (kernel.Kernel, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	switch backend {
	case BackendCPU:
		return openCPU(p)
	case BackendCUDA:
		if err := p.Validate(); err != nil {
			return nil, err
		}
		if ok, reason := cuda.Available(); !ok {
			return nil, fmt.Errorf("forcecompute: backend cuda unavailable: %s", reason)
		}
		k, err := cuda.New(p)
		if err != nil {
			return nil, fmt.Errorf("forcecompute: backend cuda: %w", err)
		}
		return k, nil
	case BackendAuto:
		if err := p.Validate(); err != nil {
			return nil, err
		}
		ok, reason := cuda.Available()
		if ok {
			k, err := cuda.New(p)
			if err == nil {
				name, _ := cuda.DeviceName() // only for the log
				log.Info("forcecompute: using the cuda kernel", "backend", BackendCUDA,
					"reason", "CUDA compiled in and a device is usable", "device", name)
				return k, nil
			}
			reason = err.Error()
		}
		log.Info("forcecompute: using the cpu kernel", "backend", BackendCPU, "reason", reason)
		return openCPU(p)
	default:
		return nil, fmt.Errorf("forcecompute: unknown backend %q (want auto, cpu or cuda)", backend)
	}
}

func openCPU(p kernel.Params) (kernel.Kernel, error) {
	k, err := cpu.New(p)
	if err != nil {
		return nil, err
	}
	return k, nil
}
