//go:build cuda

package forcecompute

import (
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// With CUDA compiled in, a missing device or driver is reported in CUDA's
// words, both by Open(cuda) and in auto's log. The test does not skip: on a
// GPU machine it checks that auto takes the device instead.
func TestOpenWithCUDACompiledIn(t *testing.T) {
	ok, reason := cuda.Available()
	if ok {
		k, log, err := open(t, "auto", kernel.Defaults())
		if err != nil || k.Name() != "cuda" {
			t.Fatalf("auto with a device: %v, log %q", err, log)
		}
		return
	}
	t.Logf("no usable CUDA device: %s", reason)
	const prefix = "cuda: cudaGetDeviceCount: "
	if !strings.HasPrefix(reason, prefix) || len(reason) == len(prefix) {
		t.Fatalf("reason %q does not carry CUDA's error text", reason)
	}
	_, _, err := open(t, "cuda", kernel.Defaults())
	if err == nil || !strings.Contains(err.Error(), reason) {
		t.Fatalf("Open(cuda) = %v, want an error carrying %q", err, reason)
	}
	k, log, err := open(t, "auto", kernel.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if k.Name() != "cpu" || !strings.Contains(log, reason) {
		t.Fatalf("auto chose %q and logged %q, want cpu and %q", k.Name(), log, reason)
	}
}
