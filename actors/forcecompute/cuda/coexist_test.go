//go:build cuda

package cuda

import (
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// coexist runs a 2D and a 3D kernel with different parameters side by side,
// their calls interleaved, and requires each to end exactly where the same
// kernel run alone ends: parameters, dims and trees are per kernel.
func coexist(t *testing.T, newK func(kernel.Params) *Kernel) {
	const n = 700
	g := kerneltest.BAGraph(n, 2, 3)
	p2 := kernel.Defaults()
	p2.Dims, p2.Theta, p2.Seed = 2, 0.9, 1
	p3 := kernel.Defaults()
	p3.Dims, p3.Theta, p3.Seed, p3.RepelK, p3.SpringK = 3, 0.5, 2, 2*p3.RepelK, 0.5*p3.SpringK

	alone := func(p kernel.Params) []float32 {
		k := newK(p)
		return kerneltest.Positions(t, upload(t, k, g), 12, n, p.Dims)
	}
	want2, want3 := alone(p2), alone(p3)

	// Each is created, configured and stepped while the other is live.
	a := upload(t, newK(p2), g)
	b := upload(t, newK(p3), g)
	for i := 0; i < 4; i++ {
		if err := a.Step(3); err != nil {
			t.Fatal(err)
		}
		if err := b.SetParams(p3); err != nil { // re-applying must not leak into a
			t.Fatal(err)
		}
		if err := b.Step(3); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		k    *Kernel
		dims int
		want []float32
	}{{"2D", a, 2, want2}, {"3D", b, 3, want3}} {
		got := kerneltest.Positions(t, c.k, 0, n, c.dims)
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("%s kernel beside the other: position[%d] = %v, alone %v", c.name, i, got[i], c.want[i])
			}
		}
	}
}

func upload(t *testing.T, k *Kernel, g kernel.Graph) *Kernel {
	t.Helper()
	if err := k.Upload(g); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestCoexistOnHost(t *testing.T) {
	coexist(t, func(p kernel.Params) *Kernel {
		k := newHostKernel(p)
		t.Cleanup(func() { k.Close() })
		return k
	})
}

func TestGPUCoexist(t *testing.T) {
	requireGPU(t)
	coexist(t, func(p kernel.Params) *Kernel { return newGPU(t, p) })
}
