//go:build !cuda

package cuda

import (
	"errors"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

const notCompiled = "CUDA not compiled in (build with -tags cuda)"

// Available reports whether a CUDA device can be used, and if not, why.
// In this build it never can.
func Available() (ok bool, reason string) {
	return false, notCompiled
}

// New fails in this build: CUDA is not compiled in.
func New(p kernel.Params) (kernel.Kernel, error) {
	return nil, errors.New("cuda: " + notCompiled)
}

// DeviceName fails in this build: CUDA is not compiled in.
func DeviceName() (string, error) {
	return "", errors.New("cuda: " + notCompiled)
}

// NewEmulated fails in this build: CUDA is not compiled in.
func NewEmulated(p kernel.Params) (kernel.Kernel, error) {
	return nil, errors.New("cuda: " + notCompiled)
}

// EmulateTree fails in this build: CUDA is not compiled in.
func EmulateTree(p kernel.Params, n int, pos []float32, sortBits, criterion int) (TreeReport, error) {
	return TreeReport{}, errors.New("cuda: " + notCompiled)
}

// DeviceInfo fails in this build: CUDA is not compiled in.
func DeviceInfo() (string, error) {
	return "", errors.New("cuda: " + notCompiled)
}

// SelfCheck fails in this build: CUDA is not compiled in.
func SelfCheck() error {
	return errors.New("cuda: " + notCompiled)
}
