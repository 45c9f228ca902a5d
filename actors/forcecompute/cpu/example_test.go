package cpu_test

import (
	"fmt"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

func ExampleNew() {
	g, err := kernel.FromEdges(4, []kernel.Edge{{A: 0, B: 1}, {A: 1, B: 2}, {A: 2, B: 3}, {A: 3, B: 0}})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := kernel.Defaults() // 3D
	k, err := cpu.New(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer k.Close()
	if err := k.Upload(g); err != nil {
		fmt.Println(err)
		return
	}
	// Hold node 0 at the origin, as if a user were dragging it there.
	if err := k.SetConstraints(kernel.Constraints{Pins: []kernel.Pin{{Node: 0}}}); err != nil {
		fmt.Println(err)
		return
	}
	if err := k.Step(300); err != nil {
		fmt.Println(err)
		return
	}
	pos := make([]float32, p.Dims*g.Nodes) // x block, y block, z block
	if _, err := k.Positions(pos); err != nil {
		fmt.Println(err)
		return
	}
	cv, _ := kernel.EdgeCV(&g, pos, p.Dims)
	fmt.Println(k.Name(), k.Ticks(), pos[0], pos[4], pos[8], cv < 0.1)
	// Output: cpu 300 0 0 0 true
}

func ExampleNew_invalid() {
	p := kernel.Defaults()
	p.Theta = -1
	_, err := cpu.New(p)
	fmt.Println(err)
	// Output: kernel: invalid parameter Theta=-1: must be in [0, 2]
}
