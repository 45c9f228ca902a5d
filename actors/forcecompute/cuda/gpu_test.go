//go:build cuda

package cuda

import (
	"errors"
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
		t.Skipf("GPU test NOT run, no usable CUDA device: %s (run bin/gpu-check on a GPU machine)", reason)
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

// The kernel contract on the device: state before Upload, re-upload keeping
// positions, Dims changes, asynchronous snapshots, Close.
func TestGPUContract(t *testing.T) {
	p := kernel.Defaults()
	k := newGPU(t, p)
	if err := k.Step(1); !errors.Is(err, kernel.ErrNoGraph) {
		t.Fatalf("Step before Upload: %v, want ErrNoGraph", err)
	}
	g := compare.Graph(500, 3)
	if err := k.Upload(g); err != nil {
		t.Fatal(err)
	}
	if err := k.Step(5); err != nil {
		t.Fatal(err)
	}
	if k.Ticks() != 5 || !(k.KineticEnergy() > 0) {
		t.Fatalf("after 5 ticks: Ticks %d, kinetic energy %g", k.Ticks(), k.KineticEnergy())
	}
	before := make([]float32, 3*g.Nodes)
	if _, err := k.Positions(before); err != nil {
		t.Fatal(err)
	}

	// A snapshot taken before more ticks still holds the older positions.
	if err := k.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if err := k.Step(1); err != nil {
		t.Fatal(err)
	}
	snap := make([]float32, 3*g.Nodes)
	if _, err := k.Collect(snap); err != nil {
		t.Fatal(err)
	}
	for i := range snap {
		if snap[i] != before[i] {
			t.Fatalf("snapshot[%d] = %v, want %v (taken before the tick)", i, snap[i], before[i])
		}
	}

	// Growing the graph keeps the old nodes where they were.
	now := make([]float32, 3*g.Nodes)
	if _, err := k.Positions(now); err != nil {
		t.Fatal(err)
	}
	big := compare.Graph(800, 3)
	if err := k.Upload(big); err != nil {
		t.Fatal(err)
	}
	grown := make([]float32, 3*big.Nodes)
	if _, err := k.Positions(grown); err != nil {
		t.Fatal(err)
	}
	for c := 0; c < 3; c++ {
		for i := 0; i < g.Nodes; i++ {
			if grown[c*big.Nodes+i] != now[c*g.Nodes+i] {
				t.Fatalf("node %d coordinate %d moved on Upload", i, c)
			}
		}
	}

	// Pins hold; 2D works after a change of Dims.
	q := p
	q.Dims = 2
	if err := k.SetParams(q); err != nil {
		t.Fatal(err)
	}
	if err := k.SetConstraints(kernel.Constraints{Pins: []kernel.Pin{{Node: 7, X: 3, Y: 4}}}); err != nil {
		t.Fatal(err)
	}
	if err := k.Step(10); err != nil {
		t.Fatal(err)
	}
	flat := make([]float32, 2*big.Nodes)
	if n, err := k.Positions(flat); err != nil || n != 2*big.Nodes {
		t.Fatalf("Positions in 2D: %d, %v", n, err)
	}
	if flat[7] != 3 || flat[big.Nodes+7] != 4 {
		t.Fatalf("pinned node at (%v, %v), want (3, 4)", flat[7], flat[big.Nodes+7])
	}

	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if err := k.Step(1); !errors.Is(err, kernel.ErrClosed) {
		t.Fatalf("Step after Close: %v, want ErrClosed", err)
	}
}
