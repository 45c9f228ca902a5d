//go:build cuda

package cuda

import (
	"fmt"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/cuda/internal/compare"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

func newCPU(t *testing.T, p kernel.Params) *cpu.Kernel {
	t.Helper()
	k, err := cpu.New(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

// The device math, run on the host, matches the CPU kernel's exact path
// after one tick, with constraints, in 2D and 3D.
func TestEmulatedExactMatchesCPU(t *testing.T) {
	for _, dims := range []int{2, 3} {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%dD/seed%d", dims, seed), func(t *testing.T) {
				p := kernel.Defaults()
				p.Dims, p.Theta, p.Seed = dims, 0, seed
				g := compare.Graph(1500, seed)
				c := compare.Constraints(g.Nodes, seed)
				ref := newCPU(t, p)
				emu := newHostKernel(p)
				e, err := compare.FirstTick(ref, emu, g, c, dims)
				if err != nil {
					t.Fatal(err)
				}
				if e > 1e-4 {
					t.Errorf("relative force error %g, want <= 1e-4", e)
				}
				if d := compare.RelDiff(ref.KineticEnergy(), emu.KineticEnergy()); d > 1e-4 {
					t.Errorf("kinetic energy cpu %g, emulated %g", ref.KineticEnergy(), emu.KineticEnergy())
				}
			})
		}
	}
}

// The device tree is an accurate Barnes-Hut: against the exact sum, the
// error grows with Theta and stays small.
func TestEmulatedTreeApproximatesExact(t *testing.T) {
	for _, dims := range []int{2, 3} {
		g := compare.Graph(3000, 5)
		p := kernel.Defaults()
		p.Dims, p.Theta = dims, 0
		prev := 0.0
		for _, th := range []float32{0.3, 0.6, 0.9} {
			q := p
			q.Theta = th
			e, err := compare.FirstTick(newHostKernel(p), newHostKernel(q), g, kernel.Constraints{}, dims)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%dD theta %.1f: relative force error %.2e", dims, th, e)
			if e > 0.05 || e < prev {
				t.Errorf("%dD theta %v: error %g (previous theta %g), want <= 0.05 and not below it", dims, th, e, prev)
			}
			prev = e
		}
	}
}

// With the default Theta, the emulated device tree and the CPU tree give
// layouts of equal quality (within 5%) after 300 ticks.
func TestEmulatedTreeQualityMatchesCPU(t *testing.T) {
	for _, dims := range []int{2, 3} {
		p := kernel.Defaults()
		p.Dims = dims
		g := compare.Graph(1000, 11)
		cvC, stC, err := compare.Quality(newCPU(t, p), g, dims, 300)
		if err != nil {
			t.Fatal(err)
		}
		cvE, stE, err := compare.Quality(newHostKernel(p), g, dims, 300)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%dD: cpu edge CV %.4f stress %.4f; emulated edge CV %.4f stress %.4f", dims, cvC, stC, cvE, stE)
		if compare.RelDiff(cvC, cvE) > 0.05 || compare.RelDiff(stC, stE) > 0.05 {
			t.Errorf("%dD quality differs by more than 5%%", dims)
		}
	}
}
