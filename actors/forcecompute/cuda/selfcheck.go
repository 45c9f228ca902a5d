//go:build cuda

package cuda

import (
	"fmt"
	"sync"

	"github.com/protoack/protoack/actors/forcecompute/cuda/internal/compare"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// SelfCheckTolerance bounds the relative error of the device's first tick
// against the host emulation in SelfCheck. The two run the same per-node
// code (see NewEmulated); on an H200 they differed by 1.5e-7 to 1.0e-6.
const SelfCheckTolerance = 1e-4

var self struct {
	once sync.Once
	err  error
}

// SelfCheck takes one tick of the device kernel and of its host emulation
// (NewEmulated) from the same start, in 3D and 2D, on a built-in graph of
// 2,000 nodes with hubs (wide nodes of one and of several segments), pins
// and distance constraints, at Theta 0.9: the tree build, the walk and the
// springs. It returns an error naming the case when they differ by more
// than SelfCheckTolerance, or when either fails. It runs once per process
// (about one millisecond of device time); later calls return the first
// result.
func SelfCheck() error {
	self.once.Do(func() { self.err = selfCheck(New, NewEmulated) })
	return self.err
}

// selfCheck is SelfCheck of the kernel newDevice makes against the one
// newHost makes.
func selfCheck(newDevice, newHost func(kernel.Params) (kernel.Kernel, error)) error {
	g := selfCheckGraph(2000)
	c := compare.Constraints(g.Nodes, 1)
	for _, dims := range []int{3, 2} {
		p := kernel.DefaultsFor(dims)
		dev, err := newDevice(p)
		if err != nil {
			return fmt.Errorf("cuda: self-check, %dD: %w", dims, err)
		}
		host, err := newHost(p)
		if err != nil {
			dev.Close()
			return fmt.Errorf("cuda: self-check, %dD: host emulation: %w", dims, err)
		}
		e, err := compare.FirstTick(host, dev, g, c, dims)
		dev.Close()
		host.Close()
		if err != nil {
			return fmt.Errorf("cuda: self-check, %dD: %w", dims, err)
		}
		if !(e <= SelfCheckTolerance) { // NaN fails too
			return fmt.Errorf("cuda: self-check, %dD: the device's first tick differs from the host emulation's by %.3g (relative), more than %g",
				dims, e, SelfCheckTolerance)
		}
	}
	return nil
}

// selfCheckGraph is compare.Graph's n nodes plus a hub linked to every
// third node (several segments of wide springs) and one linked to every
// 40th (one segment).
func selfCheckGraph(n int) kernel.Graph {
	edges := compare.Edges(n, 1)
	for v := 3; v < n; v += 3 {
		edges = append(edges, kernel.Edge{A: 0, B: int32(v), Weight: 1})
	}
	for v := 41; v < n; v += 40 {
		edges = append(edges, kernel.Edge{A: 1, B: int32(v), Weight: 1})
	}
	g, _ := kernel.FromEdges(n, edges) // every index is in range
	return g
}
