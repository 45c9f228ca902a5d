package serve

import (
	"context"
	"sync"
)

// hub fans frames and events out to the connected viewers. Each viewer
// has a bounded queue: a frame replaces the one still waiting (the older
// is dropped and counted), and an event that finds the queue full is
// dropped and counted. Broadcasting never waits on a viewer, so a slow or
// gone viewer never holds back the others or the simulation.
type hub struct {
	m       *metrics
	mu      sync.Mutex
	ctx     context.Context // live while Serve runs; nil before
	clients map[*viewer]struct{}
	latest  []byte // the last frame broadcast, for viewers that join
	wg      sync.WaitGroup
}

// viewer is one WebSocket client's queues.
type viewer struct {
	frames chan []byte // encoded binary frames, at most one waiting
	events chan []byte // encoded JSON events
}

const eventQueue = 64

func newHub(m *metrics) *hub {
	return &hub{m: m, clients: map[*viewer]struct{}{}}
}

func (h *hub) start(ctx context.Context) {
	h.mu.Lock()
	h.ctx = ctx
	h.mu.Unlock()
}

// join registers a viewer and returns it with the context that ends when
// the server stops; ok is false when the server is not serving.
func (h *hub) join() (v *viewer, ctx context.Context, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ctx == nil || h.ctx.Err() != nil {
		return nil, nil, false
	}
	v = &viewer{frames: make(chan []byte, 1), events: make(chan []byte, eventQueue)}
	if h.latest != nil {
		v.frames <- h.latest
	}
	h.clients[v] = struct{}{}
	h.wg.Add(1)
	h.m.clients.Set(float64(len(h.clients)))
	return v, h.ctx, true
}

func (h *hub) leave(v *viewer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[v]; ok {
		delete(h.clients, v)
		h.m.clients.Set(float64(len(h.clients)))
		h.wg.Done()
	}
}

// wait returns when every viewer has left.
func (h *hub) wait() { h.wg.Wait() }

// frame offers an encoded frame to every viewer.
func (h *hub) frame(b []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.latest = b
	for v := range h.clients {
		select {
		case v.frames <- b:
			continue
		default:
		}
		// Full: the waiting frame is stale. Replace it. Only the hub
		// sends on v.frames, so after taking one out there is room.
		select {
		case <-v.frames:
			h.m.framesDropped.Inc()
		default: // the viewer took it meanwhile
		}
		v.frames <- b
	}
}

// event offers an encoded JSON event to every viewer.
func (h *hub) event(b []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for v := range h.clients {
		select {
		case v.events <- b:
		default:
			h.m.eventsDropped.Inc()
		}
	}
}
