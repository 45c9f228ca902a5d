package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/graphgen"
	"github.com/protoack/protoack/internal/serve"
	"github.com/protoack/protoack/internal/serve/servetest"
)

// A server in front of a simulation, asked for its state, then stopped.
func Example() {
	g, _ := kernel.FromEdges(100, graphgen.BA(100, 2, 1))
	sim, err := servetest.New(g, kernel.Defaults(), servetest.Options{MaxHz: 100})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	srv, err := serve.New(serve.Config{Sim: sim})
	if err != nil {
		fmt.Println(err)
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // serve.Run(ctx, "", sim, log) listens on DefaultAddr
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/api/state")
	if err == nil {
		var st struct {
			Nodes, Dims int
			Backend     string
		}
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		fmt.Println(st.Nodes, "nodes in", st.Dims, "dimensions on the", st.Backend, "kernel")
	}
	stop()
	fmt.Println("stopped:", <-done)
	// Output:
	// 100 nodes in 3 dimensions on the cpu kernel
	// stopped: <nil>
}
