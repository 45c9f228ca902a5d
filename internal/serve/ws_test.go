package serve_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/protoack/protoack/internal/serve"
)

// frame is a decoded binary WebSocket frame.
type frame struct {
	nodes, dims int
	iteration   uint64
	pos         []float32
}

func decodeFrame(t testing.TB, b []byte) frame {
	t.Helper()
	if len(b) < 16 {
		t.Fatalf("frame of %d bytes", len(b))
	}
	f := frame{nodes: int(binary.LittleEndian.Uint32(b)), dims: int(binary.LittleEndian.Uint32(b[4:])),
		iteration: binary.LittleEndian.Uint64(b[8:])}
	if len(b) != 16+4*f.nodes*f.dims {
		t.Fatalf("frame of %d bytes for %d nodes in %dD", len(b), f.nodes, f.dims)
	}
	f.pos = make([]float32, f.nodes*f.dims)
	for i := range f.pos {
		f.pos[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[16+4*i:]))
	}
	return f
}

func (e *env) dial(t testing.TB, ctx context.Context, client *http.Client) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, strings.Replace(e.url, "http://", "ws://", 1)+"/ws",
		&websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 26)
	return c
}

func TestStream(t *testing.T) {
	e := start(t, envConfig{nodes: 250})
	ctx := testCtx(t)
	c := e.dial(t, ctx, nil)
	defer c.CloseNow()
	// Pause after a step, so that a step event and a tracked step exist.
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Iteration >= 1 }); err != nil {
		t.Fatal(err)
	}
	if code, body := e.do(t, "POST", "/api/pause", ""); code != 200 {
		t.Fatalf("pause: %d %s", code, body)
	}
	paused := e.sim.State().Iteration
	seen := map[string]bool{}
	var last frame
	// Read until the frame of the paused layout, a step and a delivery
	// event, and the simulation's "paused" event have come.
	for last.nodes == 0 || last.iteration != paused || !seen["step"] || !seen["delivery"] || !seen["event:paused"] {
		typ, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v (seen %v, last frame %d, paused at %d)", err, seen, last.iteration, paused)
		}
		if typ == websocket.MessageBinary {
			last = decodeFrame(t, b)
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("text message %q: %v", b, err)
		}
		typeName, _ := m["type"].(string)
		switch typeName {
		case "step":
			for _, k := range []string{"iteration", "kinetic_energy", "ticks_per_second", "settled", "paused", "backend", "recoveries", "params", "frames_dropped", "viewers"} {
				if _, ok := m[k]; !ok {
					t.Errorf("step event without %s: %s", k, b)
				}
			}
		case "delivery":
			kinds, _ := m["kinds"].([]any)
			if len(kinds) == 0 {
				break // nothing tracked yet
			}
			k := kinds[0].(map[string]any)
			if k["kind"] != "ComputeForces" || k["sent"].(float64) < 1 {
				t.Errorf("delivery event %s", b)
			}
			for _, f := range []string{"acked", "retried", "failed", "pending"} {
				if _, ok := k[f]; !ok {
					t.Errorf("delivery event without %s: %s", f, b)
				}
			}
		case "event":
			typeName += ":" + m["kind"].(string)
		default:
			t.Errorf("unknown message %s", b)
		}
		seen[typeName] = true
	}
	if last.nodes != 250 || last.dims != 3 {
		t.Fatalf("frame for %d nodes in %dD", last.nodes, last.dims)
	}
	// The frame is the layout the simulation holds, value for value.
	for i := 0; i < last.nodes; i++ {
		want := e.sim.Position(i)
		for d := 0; d < 3; d++ {
			if got := last.pos[d*last.nodes+i]; got != want[d] {
				t.Fatalf("node %d coordinate %d: frame %v, simulation %v", i, d, got, want[d])
			}
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// A viewer that joins gets the latest frame at once, even while paused.
func TestStreamLatestOnJoin(t *testing.T) {
	e := start(t, envConfig{nodes: 100})
	ctx := testCtx(t)
	first := e.dial(t, ctx, nil)
	defer first.CloseNow()
	if code, _ := e.do(t, "POST", "/api/pause", ""); code != 200 {
		t.Fatal("pause")
	}
	paused := e.sim.State().Iteration
	for { // the first viewer sees the paused layout: the server has it
		typ, b, err := first.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ == websocket.MessageBinary && decodeFrame(t, b).iteration == paused {
			break
		}
	}
	second := e.dial(t, ctx, nil)
	defer second.CloseNow()
	for {
		typ, b, err := second.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ == websocket.MessageBinary {
			if got := decodeFrame(t, b).iteration; got != paused {
				t.Fatalf("joined while paused at %d, got frame %d", paused, got)
			}
			break
		}
	}
}

// A viewer that goes away leaves the server: the others see the count drop.
func TestViewerGone(t *testing.T) {
	e := start(t, envConfig{nodes: 100})
	ctx := testCtx(t)
	stay, gone := e.dial(t, ctx, nil), e.dial(t, ctx, nil)
	defer stay.CloseNow()
	want := 2
	for {
		typ, b, err := stay.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v (waiting for %d viewers)", err, want)
		}
		if typ != websocket.MessageText {
			continue
		}
		var m struct {
			Type    string
			Viewers int
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m.Type != "step" || m.Viewers != want {
			continue
		}
		if want == 1 {
			break
		}
		gone.CloseNow() // no close handshake: the connection just ends
		want = 1
	}
}
