package serve_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/protoack/protoack/internal/serve"
)

// Cancelling Serve's context lets a request in flight finish, closes the
// WebSockets with "going away", and refuses new connections.
func TestShutdownFinishesInFlight(t *testing.T) {
	e := start(t, envConfig{})
	ctx := testCtx(t)
	ws := e.dial(t, ctx, nil)
	defer ws.CloseNow()
	closed := make(chan error, 1)
	go func() {
		for {
			if _, _, err := ws.Read(ctx); err != nil {
				closed <- err
				return
			}
		}
	}()
	// A request whose body has not all arrived is in flight: with
	// "Expect: 100-continue", the server says "100 Continue" once the
	// handler reads the body.
	addr := strings.TrimPrefix(e.url, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"RepelK": 123}`
	fmt.Fprintf(conn, "POST /api/params HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", addr, len(body))
	rd := bufio.NewReader(conn)
	if resp, err := http.ReadResponse(rd, nil); err != nil || resp.StatusCode != 100 {
		t.Fatalf("want 100 Continue, got %v, %v", resp, err)
	}
	done := make(chan error, 1)
	go func() { done <- e.stop() }()
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break // the listener is closed: the shutdown has begun
		}
		c.Close()
	}
	if _, err := fmt.Fprint(conn, body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || e.sim.State().Params.RepelK != 123 {
		t.Fatalf("the request in flight: %d, RepelK %v", resp.StatusCode, e.sim.State().Params.RepelK)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	// The viewer was told the server is going away.
	if err := <-closed; websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Fatalf("viewer closed with %v (%v), want going away", websocket.CloseStatus(err), err)
	}
	if e.sim.Subscribers() != 0 {
		t.Errorf("the server's subscription is still there")
	}
}

// The default address is the loopback interface only; a bad address is
// an error, not a panic.
func TestRunAddress(t *testing.T) {
	if serve.DefaultAddr != "127.0.0.1:8080" {
		t.Errorf("DefaultAddr %q, want 127.0.0.1:8080", serve.DefaultAddr)
	}
	e := start(t, envConfig{nodes: 50})
	err := serve.Run(testCtx(t), "256.0.0.1:1", e.sim, nil)
	if err == nil || !strings.Contains(err.Error(), "256.0.0.1") {
		t.Errorf("Run on a bad address: %v", err)
	}
	if _, err := serve.New(serve.Config{}); err == nil {
		t.Error("New without a Simulation: no error")
	}
}
