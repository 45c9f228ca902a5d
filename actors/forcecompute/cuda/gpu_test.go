//go:build cuda

package cuda

import (
	"fmt"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cuda/internal/compare"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// requireGPU skips the test with CUDA's reason when no device is usable.
// make test-cuda runs these tests with -v, so the skip and its reason show.
func requireGPU(t *testing.T) {
	t.Helper()
	if ok, reason := Available(); !ok {
		t.Skipf("GPU test NOT run, no usable CUDA device: %s (run build/gpu-check/run.sh on a GPU machine)", reason)
	}
}

// newGPU returns a CUDA kernel, or skips the test as requireGPU does.
func newGPU(t *testing.T, p kernel.Params) *Kernel {
	t.Helper()
	requireGPU(t)
	k, err := newKernel(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

func TestGPUForcesMatchCPU(t *testing.T) {
	requireGPU(t)
	for _, dims := range []int{2, 3} {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%dD/seed%d", dims, seed), func(t *testing.T) {
				p := kernel.Defaults()
				p.Dims, p.Theta, p.Seed = dims, 0, seed
				gpu := newGPU(t, p)
				g := compare.Graph(3000, seed)
				e, err := compare.FirstTick(newCPU(t, p), gpu, g, compare.Constraints(g.Nodes, seed), dims)
				if err != nil {
					t.Fatal(err)
				}
				if e > 1e-3 {
					t.Errorf("relative force error %g, want <= 1e-3", e)
				}
			})
		}
	}
}

func TestGPUQualityMatchesCPU(t *testing.T) {
	for _, dims := range []int{2, 3} {
		p := kernel.Defaults()
		p.Dims = dims
		gpu := newGPU(t, p)
		g := compare.Graph(2000, 11)
		cvC, stC, err := compare.Quality(newCPU(t, p), g, dims, 300)
		if err != nil {
			t.Fatal(err)
		}
		cvG, stG, err := compare.Quality(gpu, g, dims, 300)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%dD: cpu edge CV %.4f stress %.4f; cuda edge CV %.4f stress %.4f", dims, cvC, stC, cvG, stG)
		if compare.RelDiff(cvC, cvG) > 0.05 || compare.RelDiff(stC, stG) > 0.05 {
			t.Errorf("%dD quality differs by more than 5%%", dims)
		}
	}
}
