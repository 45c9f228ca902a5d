package physics_test

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/middleware"
)

// An app that lays out a graph through both actors: the Delivery, the
// orchestrator (which spawns ForceCompute), a wait for equilibrium, and
// the positions.
func Example() {
	system := actor.NewActorSystem()
	defer system.Shutdown()
	d, err := middleware.New(system, physics.DeliveryOptions(nil)...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()

	settled := make(chan *protocol.Event, 1)
	pid, err := physics.Spawn(system.Root, physics.Config{
		Delivery: d,
		Backend:  "cpu",
		Graph:    kerneltest.BAGraph(500, 2, 1),
		Settle:   true, // step as fast as the kernel goes
		OnEvent: func(e *protocol.Event) {
			if e.Kind == physics.EventEquilibrium {
				settled <- e
			}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = system.Root.StopFuture(pid).Wait() }()

	e := <-settled
	r, _ := system.Root.RequestFuture(pid, &protocol.GetPositions{}, -1).Result()
	f := r.(*protocol.PositionsFrame)
	fmt.Println(e.Kind, "at the same tick as the frame:", e.Iteration == f.Iteration)
	fmt.Println(f.Nodes, "nodes in", f.Dims, "dimensions,", len(f.Positions), "bytes")
	// Output:
	// equilibrium at the same tick as the frame: true
	// 500 nodes in 3 dimensions, 6000 bytes
}
