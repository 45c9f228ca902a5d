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
//     compiled in, CUDA's own text such as a missing device, or a failed
//     cuda.SelfCheck: the device's first tick against its host emulation);
//   - "auto": CUDA when it is compiled in, a device is usable and it passes
//     cuda.SelfCheck, otherwise the CPU kernel. The choice and its reason are
//     logged at info level, a failed self-check at warn level.
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
		if ok, reason := cudaAvailable(); !ok {
			return nil, fmt.Errorf("forcecompute: backend cuda unavailable: %s", reason)
		}
		k, err := cudaNew(p)
		if err != nil {
			return nil, fmt.Errorf("forcecompute: backend cuda: %w", err)
		}
		if err := cudaSelfCheck(); err != nil {
			k.Close()
			return nil, fmt.Errorf("forcecompute: backend cuda failed its self-check: %w", err)
		}
		return k, nil
	case BackendAuto:
		if err := p.Validate(); err != nil {
			return nil, err
		}
		ok, reason := cudaAvailable()
		if ok {
			k, err := cudaNew(p)
			if err == nil {
				if err = cudaSelfCheck(); err == nil {
					name, _ := cuda.DeviceName() // only for the log
					log.Info("forcecompute: using the cuda kernel", "backend", BackendCUDA,
						"reason", "CUDA compiled in, a device is usable and passed the self-check", "device", name)
					return k, nil
				}
				k.Close()
				log.Warn("forcecompute: the cuda kernel failed its self-check; using the cpu kernel",
					"backend", BackendCPU, "err", err)
				return openCPU(p)
			}
			reason = err.Error()
		}
		log.Info("forcecompute: using the cpu kernel", "backend", BackendCPU, "reason", reason)
		return openCPU(p)
	default:
		return nil, fmt.Errorf("forcecompute: unknown backend %q (want auto, cpu or cuda)", backend)
	}
}

// The CUDA entry points Open uses, variables so that tests can stand in
// for a device.
var (
	cudaAvailable = cuda.Available
	cudaNew       = cuda.New
	cudaSelfCheck = cuda.SelfCheck
)

func openCPU(p kernel.Params) (kernel.Kernel, error) {
	k, err := cpu.New(p)
	if err != nil {
		return nil, err
	}
	return k, nil
}
