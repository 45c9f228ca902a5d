package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/protoack/protoack/messaging"
)

// DefaultAddr is where the server listens unless told otherwise: the
// loopback interface only.
const DefaultAddr = "127.0.0.1:8080"

// subscribeBuffer is the frames and events the Simulation may hand over
// before the server takes them: slack for when the server's goroutine is
// not scheduled for a while.
const subscribeBuffer = 64

// Config configures a Server. Only Sim is required.
type Config struct {
	Sim    Simulation
	Logger *slog.Logger // nil: discard
	// MaxFPS caps the frames a second sent to each viewer (default 30);
	// a negative value sends every frame the simulation produces.
	MaxFPS float64
	// StateInterval is how often viewers get a "step" event (iteration,
	// energy, ticks per second) and a "delivery" event (default 250ms).
	StateInterval time.Duration
	// SendBuffer, if > 0, sets each connection's socket send buffer
	// (SO_SNDBUF) in bytes: it bounds the kernel memory a stalled viewer
	// holds, and a stalled viewer backs up, and has frames dropped, sooner.
	SendBuffer int
	// ShutdownTimeout bounds how long in-flight requests may take to
	// finish once the server is told to stop (default 10s).
	ShutdownTimeout time.Duration
}

// Server serves the live view, the control API, the WebSocket stream and
// /metrics for one Simulation.
type Server struct {
	cfg     Config
	log     *slog.Logger
	nodes   int
	dims    int
	graph   []byte // GET /api/graph, encoded once
	hub     *hub
	metrics *metrics
	mux     *http.ServeMux
}

// New returns a server for cfg.Sim. It does not listen yet: see Serve.
func New(cfg Config) (*Server, error) {
	if cfg.Sim == nil {
		return nil, errors.New("serve: Config.Sim is nil")
	}
	g := cfg.Sim.Graph()
	if g == nil {
		return nil, errors.New("serve: Simulation.Graph() is nil")
	}
	st := cfg.Sim.State()
	if st.Params.Dims != 2 && st.Params.Dims != 3 {
		return nil, fmt.Errorf("serve: Simulation.State().Params.Dims=%d, want 2 or 3", st.Params.Dims)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxFPS == 0 {
		cfg.MaxFPS = 30
	}
	if cfg.StateInterval <= 0 {
		cfg.StateInterval = 250 * time.Millisecond
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	s := &Server{cfg: cfg, log: cfg.Logger, nodes: g.Nodes, dims: st.Params.Dims, graph: encodeGraph(g)}
	s.metrics = newMetrics(cfg.Sim)
	s.hub = newHub(s.metrics)
	s.mux = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler. Frames reach /ws only while Serve
// runs.
func (s *Server) Handler() http.Handler { return s.mux }

// ObserveOutcome records a tracked message's end for the ack latency
// histogram (protoack_messages_ack_latency_seconds). Wire it to the
// middleware's outcome callback; it is cheap and safe for concurrent use.
func (s *Server) ObserveOutcome(o messaging.Outcome) { s.metrics.observeOutcome(o) }

// Run listens on addr (DefaultAddr when empty) and serves until ctx is
// done; see Serve.
func Run(ctx context.Context, addr string, sim Simulation, log *slog.Logger) error {
	s, err := New(Config{Sim: sim, Logger: log})
	if err != nil {
		return err
	}
	return s.ListenAndServe(ctx, addr)
}

// ListenAndServe listens on addr (DefaultAddr when empty) and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then shuts down: it stops
// accepting, lets in-flight requests finish (up to ShutdownTimeout),
// closes the WebSockets with "going away" and cancels its subscription.
// It returns nil after a shutdown asked for by ctx. Serve may be called
// once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.log.Info("serve: listening", "addr", "http://"+ln.Addr().String())
	live, stopLive := context.WithCancel(context.Background())
	defer stopLive()
	frames, events, cancel := s.cfg.Sim.Subscribe(subscribeBuffer)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.pump(live, frames, events)
	}()
	s.hub.start(live)

	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	if s.cfg.SendBuffer > 0 {
		srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetWriteBuffer(s.cfg.SendBuffer) // best effort
			}
			return ctx
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, scancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		stopLive() // WebSockets are hijacked: Shutdown does not wait for them
		err = srv.Shutdown(sctx)
		scancel()
		if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	stopLive()
	s.hub.wait()
	wg.Wait()
	s.log.Info("serve: stopped")
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
