package middleware_test

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/middleware"
)

// Greet is an application message. In-process any Go type can be
// tracked; across remote, messages must be protobuf (APIv2) types.
type Greet struct{ Name string }

// Adding tracking to an app: register the tracked types, install the
// middleware on Props, and send from the Delivery's root context (or from
// any actor that has the middleware). Outcomes arrive once per message.
func Example() {
	system := actor.NewActorSystem()
	defer system.Shutdown()

	outcomes := make(chan middleware.Outcome, 1)
	d, err := middleware.New(system,
		middleware.Track[*Greet]("Greet"),
		middleware.WithOutcome(func(o middleware.Outcome) { outcomes <- o }),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()

	props := actor.PropsFromFunc(func(ctx actor.Context) {
		if g, ok := ctx.Message().(*Greet); ok {
			fmt.Println("hello", g.Name) // Success is acked when this returns
		}
	}, d.PropsOption())
	pid := system.Root.Spawn(props)
	defer func() { _ = system.Root.StopFuture(pid).Wait() }()

	d.RootContext().Send(pid, &Greet{Name: "world"})
	o := <-outcomes
	fmt.Println(o.Kind, o.Result, "after", o.Attempts, "attempt")
	// Output:
	// hello world
	// Greet Success after 1 attempt
}
