package cpu

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

func TestConformance(t *testing.T) {
	kerneltest.Run(t, func(p kernel.Params) (kernel.Kernel, error) { return New(p) })
}
