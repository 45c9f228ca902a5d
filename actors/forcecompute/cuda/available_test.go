//go:build cuda

package cuda

import (
	"errors"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Without a device, Available and New must report CUDA's own error text;
// with one, New must work. Either way the test runs: it does not skip.
func TestAvailableAndNew(t *testing.T) {
	ok, reason := Available()
	k, err := New(kernel.Defaults())
	if !ok {
		t.Logf("no usable CUDA device: %s", reason)
		if !strings.HasPrefix(reason, "cuda: cudaGetDeviceCount: ") || len(reason) <= len("cuda: cudaGetDeviceCount: ") {
			t.Fatalf("reason %q does not carry CUDA's error text", reason)
		}
		if err == nil {
			k.Close()
			t.Fatal("New succeeded although Available said no")
		}
		if err.Error() != reason {
			t.Fatalf("New error %q, want Available's reason %q", err, reason)
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.Code == 0 {
			t.Fatalf("New error %v (%T) is not a *cuda.Error with a CUDA code", err, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Available said yes, New failed: %v", err)
	}
	if k.Name() != "cuda" {
		t.Errorf("Name = %q", k.Name())
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); !errors.Is(err, kernel.ErrClosed) {
		t.Fatalf("second Close = %v, want ErrClosed", err)
	}
}

func TestNewRejectsParamsByName(t *testing.T) {
	p := kernel.Defaults()
	p.Damping = 2
	_, err := New(p)
	var pe *kernel.ParamError
	if !errors.As(err, &pe) || pe.Name != "Damping" {
		t.Fatalf("New with Damping=2: %v, want a ParamError naming Damping", err)
	}
}
