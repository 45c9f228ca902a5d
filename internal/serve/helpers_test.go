package serve_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/graphgen"
	"github.com/protoack/protoack/internal/serve"
	"github.com/protoack/protoack/internal/serve/servetest"
	"github.com/protoack/protoack/messaging"
)

// env is a server on 127.0.0.1 in front of a servetest.Sim stepping a
// real CPU kernel.
type env struct {
	sim  *servetest.Sim
	url  string
	stop func() error // shuts the server down; Serve's error

	mu       sync.Mutex
	srv      *serve.Server
	outcomes int           // outcomes the server observed
	outcomec chan struct{} // closed and replaced at each
}

// waitOutcomes returns when the server has observed n outcomes.
func (e *env) waitOutcomes(t testing.TB, ctx context.Context, n int) {
	t.Helper()
	for {
		e.mu.Lock()
		got, c := e.outcomes, e.outcomec
		e.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-c:
		case <-ctx.Done():
			t.Fatalf("the server observed %d outcomes, want %d", got, n)
		}
	}
}

type envConfig struct {
	nodes  int
	params func(*kernel.Params)
	opt    servetest.Options
	cfg    serve.Config
}

// graph is a seeded preferential-attachment graph on n nodes.
func graph(t testing.TB, n int) kernel.Graph {
	g, err := kernel.FromEdges(n, graphgen.BA(n, 2, 7))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func start(t testing.TB, c envConfig) *env {
	t.Helper()
	if c.nodes == 0 {
		c.nodes = 300
	}
	p := kernel.Defaults()
	p.Workers = 2
	if c.params != nil {
		c.params(&p)
	}
	// Outcomes before the server exists wait in early.
	e := &env{outcomec: make(chan struct{})}
	var early []messaging.Outcome
	c.opt.OnOutcome = func(o messaging.Outcome) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.srv == nil {
			early = append(early, o)
			return
		}
		e.srv.ObserveOutcome(o)
		e.outcomes++
		close(e.outcomec)
		e.outcomec = make(chan struct{})
	}
	sim, err := servetest.New(graph(t, c.nodes), p, c.opt)
	if err != nil {
		t.Fatal(err)
	}
	c.cfg.Sim = sim
	srv, err := serve.New(c.cfg)
	if err != nil {
		sim.Close()
		t.Fatal(err)
	}
	e.mu.Lock()
	e.srv = srv
	for _, o := range early {
		srv.ObserveOutcome(o)
	}
	e.outcomes += len(early)
	e.mu.Unlock()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sim.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, ln) }()
	e.sim, e.url = sim, "http://"+ln.Addr().String()
	var once sync.Once
	var serveErr error
	e.stop = func() error {
		once.Do(func() {
			cancel()
			serveErr = <-errc
		})
		return serveErr
	}
	t.Cleanup(func() {
		if err := e.stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
		if err := sim.Close(); err != nil {
			t.Errorf("sim.Close: %v", err)
		}
	})
	return e
}

// ctx is a test context with a generous deadline.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// do sends a request and returns the status and body.
func (e *env) do(t testing.TB, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// state is GET /api/state.
type state struct {
	Iteration      uint64        `json:"iteration"`
	KineticEnergy  float64       `json:"kinetic_energy"`
	Settled        bool          `json:"settled"`
	Paused         bool          `json:"paused"`
	Backend        string        `json:"backend"`
	Recoveries     int           `json:"recoveries"`
	TicksPerSecond float64       `json:"ticks_per_second"`
	Nodes          int           `json:"nodes"`
	Dims           int           `json:"dims"`
	Params         kernel.Params `json:"params"`
}

func (e *env) state(t testing.TB) state {
	t.Helper()
	code, body := e.do(t, "GET", "/api/state", "")
	if code != 200 {
		t.Fatalf("GET /api/state: %d %s", code, body)
	}
	var s state
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("GET /api/state: %v in %s", err, body)
	}
	return s
}

func httpGet(url string) (*http.Response, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func servetestOptions(maxHz float64) servetest.Options { return servetest.Options{MaxHz: maxHz} }
