package physics

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute"
)

// Spawn starts an orchestrator from root (system.Root or the Delivery's
// root context) and returns its PID. It spawns its ForceCompute child,
// initialises it and, when cfg.Graph has nodes, uploads the graph and
// starts the loop. A bad Config is an error naming the field.
func Spawn(root *actor.RootContext, cfg Config) (*actor.PID, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.ForceCompute == nil {
		if c.ForceCompute, err = forcecompute.Props(forcecompute.Config{Delivery: c.Delivery, Logger: c.Logger}); err != nil {
			return nil, err
		}
	}
	props := actor.PropsFromProducer(func() actor.Actor { return newOrchestrator(c) },
		actor.WithSupervisor(actor.NewRestartingStrategy()), c.Delivery.PropsOption())
	return root.Spawn(props), nil
}
