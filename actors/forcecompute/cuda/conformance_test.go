//go:build cuda

package cuda

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// The host emulation of the device algorithm meets the kernel contract.
func TestEmulatedConformance(t *testing.T) {
	kerneltest.Run(t, NewEmulated)
}

// The CUDA kernel meets the kernel contract on the GPU. gpu-check's run
// script runs this test binary (go test -c -tags cuda) there.
func TestGPUConformance(t *testing.T) {
	requireGPU(t)
	kerneltest.Run(t, New)
}
