//go:build linux

package serve_test

import (
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/protoack/protoack/internal/serve"
)

// smallBuffers is an HTTP client whose connections have a 4 KiB receive
// buffer, so a viewer that does not read backs up the server's writes
// after a few frames rather than a few megabytes.
func smallBuffers() *http.Client {
	d := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// TestSlowViewersDoNotStall serves 50 viewers on 127.0.0.1 (30 reading as
// fast as they can, 10 reading 20 messages a second, 10 never reading)
// at the default 30 frames a second, with 16 KiB socket send buffers, and checks the loop's tick rate is
// within 10% of what it is with no viewer. The loop hands each frame to
// the server and waits when the server has not taken the previous ones
// (servetest), so a server that waited on a viewer would lose the loop
// ticks; the verdict is the share of the loop's time spent waiting on the
// server, which does not depend on the machine's speed (CPU shared with
// the viewers slows stepping and waiting alike).
func TestSlowViewersDoNotStall(t *testing.T) {
	e := start(t, envConfig{nodes: 800, cfg: serve.Config{SendBuffer: 16 << 10}})
	ctx := testCtx(t)
	const ticks = 200
	// phase measures the loop until it has stepped ticks more ticks and
	// done() holds. A loop stalled by the server ends it at a deadline.
	phase := func(name string, done func() bool) (share float64, tps float64) {
		t.Helper()
		s0, t0 := e.sim.Stats(), time.Now()
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		err := e.sim.Wait(pctx, func(serve.State) bool { return e.sim.Stats().Ticks >= s0.Ticks+ticks && done() })
		s1 := e.sim.Stats()
		step, wait := s1.StepTime-s0.StepTime, s1.PublishWait-s0.PublishWait
		if step+wait > 0 {
			share = float64(wait) / float64(step+wait)
		}
		tps = float64(s1.Ticks-s0.Ticks) / time.Since(t0).Seconds()
		t.Logf("%s: %d ticks, %.0f ticks/s, stepping %v, waiting on the server %v (%.2f%%, %d waits)",
			name, s1.Ticks-s0.Ticks, tps, step, wait, 100*share, s1.PublishWaits-s0.PublishWaits)
		if err != nil {
			t.Fatalf("%s: the loop stalled: %v", name, err)
		}
		return share, tps
	}
	_, alone := phase("no viewers", func() bool { return true })

	var (
		wg         sync.WaitGroup
		fastFrames [30]atomic.Uint64
		fastLast   [30]atomic.Uint64
	)
	vctx, stopViewers := context.WithCancel(ctx)
	defer func() { stopViewers(); wg.Wait() }()
	var conns []*websocket.Conn
	for i := range 50 {
		var client *http.Client
		if i >= 30 {
			client = smallBuffers()
		}
		c := e.dial(t, ctx, client)
		conns = append(conns, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.CloseNow()
			switch {
			case i < 30: // fast
				for {
					typ, b, err := c.Read(vctx)
					if err != nil {
						return
					}
					if typ == websocket.MessageBinary {
						fastFrames[i].Add(1)
						fastLast[i].Store(binary.LittleEndian.Uint64(b[8:])) // the header's iteration
					}
				}
			case i < 40: // slow: 20 messages a second
				tick := time.NewTicker(50 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-vctx.Done():
						return
					case <-tick.C:
					}
					if _, _, err := c.Read(vctx); err != nil {
						return
					}
				}
			default: // stalled: never reads
				<-vctx.Done()
			}
		}()
	}
	viewers := func() float64 {
		return value(t, e.scrape(t), "protoack_serve_viewers", nil).GetGauge().GetValue()
	}
	if v := viewers(); v != 50 {
		t.Fatalf("%v viewers connected, want 50", v)
	}
	// The loaded phase lasts until the stalled viewers have backed up:
	// the server drops frames for them.
	share, loaded := phase("50 viewers", func() bool {
		return fastFrames[0].Load() >= 30 &&
			value(t, e.scrape(t), "protoack_serve_frames_dropped_total", nil).GetCounter().GetValue() > 0
	})
	if share > 0.10 {
		t.Errorf("the loop spent %.1f%% of its time waiting on the server with 50 viewers, want <= 10%%", 100*share)
	}
	t.Logf("ticks/s with 50 viewers / without: %.2f (CPU shared with the viewers, not a verdict)", loaded/alone)

	// The fast viewers kept up: each gets frames of the current layout.
	now := e.sim.State().Iteration
	for i := range 30 {
		if err := e.sim.Wait(ctx, func(serve.State) bool { return fastLast[i].Load() >= now }); err != nil {
			t.Fatalf("fast viewer %d: last frame %d after %d frames, the simulation is at %d: %v",
				i, fastLast[i].Load(), fastFrames[i].Load(), e.sim.State().Iteration, err)
		}
	}
	stopViewers()
	wg.Wait()
}
