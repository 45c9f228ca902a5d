//go:build !cuda

package cuda

import (
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

func TestNotCompiledIn(t *testing.T) {
	const want = "CUDA not compiled in (build with -tags cuda)"
	if ok, reason := Available(); ok || reason != want {
		t.Errorf("Available() = %v, %q; want false, %q", ok, reason, want)
	}
	if k, err := New(kernel.Defaults()); k != nil || err == nil || err.Error() != "cuda: "+want {
		t.Errorf("New = %v, %v; want nil and %q", k, err, "cuda: "+want)
	}
	if _, err := DeviceName(); err == nil {
		t.Error("DeviceName succeeded without CUDA")
	}
	if _, err := DeviceInfo(); err == nil {
		t.Error("DeviceInfo succeeded without CUDA")
	}
	if k, err := NewEmulated(kernel.Defaults()); k != nil || err == nil {
		t.Errorf("NewEmulated = %v, %v; want an error", k, err)
	}
	if err := SelfCheck(); err == nil || !strings.Contains(err.Error(), "not compiled in") {
		t.Errorf("SelfCheck = %v; want an error saying CUDA is not compiled in", err)
	}
	if _, err := EmulateTree(kernel.Defaults(), 2, make([]float32, 6), 48, WalkVote); err == nil {
		t.Error("EmulateTree succeeded without CUDA")
	}
}
