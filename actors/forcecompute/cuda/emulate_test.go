//go:build cuda

package cuda

import (
	"fmt"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/cuda/internal/compare"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// emuKernel is a kernel.Kernel over emulate, the device algorithm run on the
// host, so the compare helpers can hold it to the CPU kernel without a GPU.
// It supports what those helpers use: no re-upload keeping positions.
type emuKernel struct {
	p        kernel.Params
	g        kernel.Graph
	c        kernel.Constraints
	pos, vel []float32
	ticks    int
	ke       float64
}

func (e *emuKernel) Name() string { return "cuda-emulated" }

func (e *emuKernel) Upload(g kernel.Graph) error {
	e.g, e.c, e.ticks = g, kernel.Constraints{}, 0
	e.pos, e.vel = make([]float32, e.p.Dims*g.Nodes), make([]float32, e.p.Dims*g.Nodes)
	kernel.InitialPositions(e.p, 0, g.Nodes, e.pos)
	return nil
}

func (e *emuKernel) SetParams(p kernel.Params) error { e.p = p; return nil }

func (e *emuKernel) SetConstraints(c kernel.Constraints) error {
	e.c = c
	pk := pack(c, e.g.Nodes)
	n := e.g.Nodes
	for i, j := range pk.pinOf {
		if j >= 0 {
			for d := 0; d < e.p.Dims; d++ {
				e.pos[d*n+i], e.vel[d*n+i] = pk.pinPos[3*int(j)+d], 0
			}
		}
	}
	return nil
}

func (e *emuKernel) Step(ticks int) error {
	ke, err := emulate(e.p, e.g, e.c, e.pos, e.vel, e.ticks, ticks)
	if err != nil {
		return err
	}
	e.ke = ke
	e.ticks += ticks
	return nil
}

func (e *emuKernel) Positions(dst []float32) (int, error) { return copy(dst, e.pos), nil }
func (e *emuKernel) KineticEnergy() float64               { return e.ke }
func (e *emuKernel) Ticks() int                           { return e.ticks }
func (e *emuKernel) Close() error                         { return nil }

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
				emu := &emuKernel{p: p}
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
		exact := &emuKernel{p: p}
		prev := 0.0
		for _, th := range []float32{0.3, 0.6, 0.9} {
			q := p
			q.Theta = th
			e, err := compare.FirstTick(exact, &emuKernel{p: q}, g, kernel.Constraints{}, dims)
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
		cvE, stE, err := compare.Quality(&emuKernel{p: p}, g, dims, 300)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%dD: cpu edge CV %.4f stress %.4f; emulated edge CV %.4f stress %.4f", dims, cvC, stC, cvE, stE)
		if compare.RelDiff(cvC, cvE) > 0.05 || compare.RelDiff(stC, stE) > 0.05 {
			t.Errorf("%dD quality differs by more than 5%%", dims)
		}
	}
}
