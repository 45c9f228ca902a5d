package forcecompute

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// open calls Open with a logger writing to the returned buffer.
func open(t *testing.T, backend string, p kernel.Params) (kernel.Kernel, string, error) {
	t.Helper()
	var buf bytes.Buffer
	k, err := Open(backend, p, slog.New(slog.NewTextHandler(&buf, nil)))
	if k != nil {
		t.Cleanup(func() { k.Close() })
	}
	return k, buf.String(), err
}

func TestOpenCPU(t *testing.T) {
	k, _, err := open(t, "cpu", kernel.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if k.Name() != "cpu" {
		t.Fatalf("Name = %q, want cpu", k.Name())
	}
}

func TestOpenUnknownBackend(t *testing.T) {
	_, _, err := open(t, "opencl", kernel.Defaults())
	if err == nil || !strings.Contains(err.Error(), `"opencl"`) {
		t.Fatalf("Open(opencl) = %v, want an error naming the backend", err)
	}
}

func TestOpenRejectsParamsByName(t *testing.T) {
	p := kernel.Defaults()
	p.Softening = 0
	for _, b := range []string{"auto", "cpu", "cuda"} {
		_, _, err := open(t, b, p)
		var pe *kernel.ParamError
		if !errors.As(err, &pe) || pe.Name != "Softening" {
			t.Errorf("Open(%s) with Softening=0: %v, want a ParamError naming Softening", b, err)
		}
	}
}

// auto takes CUDA exactly when it is usable, and otherwise logs why not.
func TestOpenAuto(t *testing.T) {
	ok, reason := cuda.Available()
	k, log, err := open(t, "auto", kernel.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cuda usable: %v (%s); log: %s", ok, reason, log)
	if ok {
		if k.Name() != "cuda" || !strings.Contains(log, "backend=cuda") {
			t.Fatalf("auto with a usable device chose %q, log %q", k.Name(), log)
		}
		return
	}
	if k.Name() != "cpu" {
		t.Fatalf("auto without CUDA chose %q, want cpu", k.Name())
	}
	if !strings.Contains(log, "backend=cpu") || !strings.Contains(log, reason) {
		t.Fatalf("log %q does not say cpu and why (%q)", log, reason)
	}
}

// cuda, when unusable, fails with the reason instead of falling back.
func TestOpenCUDA(t *testing.T) {
	ok, reason := cuda.Available()
	k, _, err := open(t, "cuda", kernel.Defaults())
	if ok {
		if err != nil || k.Name() != "cuda" {
			t.Fatalf("Open(cuda) with a usable device: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("Open(cuda) without a usable device returned %q", k.Name())
	}
	if !strings.Contains(err.Error(), reason) {
		t.Fatalf("Open(cuda) error %q does not carry the reason %q", err, reason)
	}
}

// fakeDevice makes Open see a usable device whose kernel is the CPU one
// renamed, and whose self-check returns check, until the test ends.
func fakeDevice(t *testing.T, check error) {
	avail, newK, self := cudaAvailable, cudaNew, cudaSelfCheck
	t.Cleanup(func() { cudaAvailable, cudaNew, cudaSelfCheck = avail, newK, self })
	cudaAvailable = func() (bool, string) { return true, "" }
	cudaNew = func(p kernel.Params) (kernel.Kernel, error) {
		k, err := openCPU(p)
		return fakeCUDA{k}, err
	}
	cudaSelfCheck = func() error { return check }
}

type fakeCUDA struct{ kernel.Kernel }

func (fakeCUDA) Name() string { return "cuda" }

// TestOpenSelfCheck: a device that passes its self-check is used; one that
// fails it is not: "cuda" returns the error, "auto" warns and falls back to
// the CPU kernel.
func TestOpenSelfCheck(t *testing.T) {
	t.Run("passes", func(t *testing.T) {
		fakeDevice(t, nil)
		for _, b := range []string{BackendCUDA, BackendAuto} {
			if k, _, err := open(t, b, kernel.Defaults()); err != nil || k.Name() != "cuda" {
				t.Errorf("Open(%s) = %v, %v: want the cuda kernel", b, k, err)
			}
		}
	})
	t.Run("fails", func(t *testing.T) {
		fakeDevice(t, errors.New("differs by 0.5"))
		if _, _, err := open(t, BackendCUDA, kernel.Defaults()); err == nil ||
			!strings.Contains(err.Error(), "self-check: differs by 0.5") {
			t.Errorf("Open(cuda) = %v, want the self-check's error", err)
		}
		k, logged, err := open(t, BackendAuto, kernel.Defaults())
		if err != nil || k.Name() != "cpu" {
			t.Fatalf("Open(auto) = %v, %v: want the cpu kernel", k, err)
		}
		if !strings.Contains(logged, "level=WARN") || !strings.Contains(logged, "differs by 0.5") {
			t.Errorf("log %q: want a warning with the self-check's error", logged)
		}
	})
}
