package serve_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/serve"
	"github.com/protoack/protoack/internal/serve/servetest"
)

// checkError checks a rejection: the status, and a one-line JSON body
// whose "error" contains want.
func checkError(t *testing.T, what string, code int, body string, wantCode int, want string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("%s: status %d, want %d (body %q)", what, code, wantCode, body)
		return
	}
	if strings.Count(body, "\n") != 1 || !strings.HasSuffix(body, "\n") {
		t.Errorf("%s: body is not one line: %q", what, body)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(body), &m); err != nil || len(m) != 1 {
		t.Errorf("%s: body %q is not {\"error\": ...}: %v", what, body, err)
		return
	}
	if !strings.Contains(m["error"], want) {
		t.Errorf("%s: error %q does not contain %q", what, m["error"], want)
	}
}

func TestState(t *testing.T) {
	e := start(t, envConfig{nodes: 200})
	ctx := testCtx(t)
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Iteration >= 3 }); err != nil {
		t.Fatal(err)
	}
	s := e.state(t)
	if s.Iteration < 3 || s.Nodes != 200 || s.Dims != 3 || s.Backend != "cpu" || s.Paused {
		t.Errorf("state %+v", s)
	}
	if s.KineticEnergy <= 0 || s.Params != e.sim.State().Params {
		t.Errorf("state %+v, sim params %+v", s, e.sim.State().Params)
	}
}

func TestParams(t *testing.T) {
	e := start(t, envConfig{})
	code, body := e.do(t, "POST", "/api/params", `{"Theta": 0.5, "RepelK": 250}`)
	if code != 200 {
		t.Fatalf("POST /api/params: %d %s", code, body)
	}
	s := e.state(t)
	if s.Params.Theta != 0.5 || s.Params.RepelK != 250 || s.Params.SpringK != 1 {
		t.Errorf("params after the update %+v, want Theta 0.5, RepelK 250 and the rest unchanged", s.Params)
	}
	if got := e.sim.Calls().SetParams; got != 1 {
		t.Errorf("SetParams called %d times, want 1", got)
	}
}

func TestParamsRejected(t *testing.T) {
	e := start(t, envConfig{})
	before := e.sim.State().Params
	for _, c := range []struct {
		name, body string
		code       int
		want       string
	}{
		{"malformed", `{"Theta":`, 400, "malformed JSON"},
		{"not an object", `[1, 2]`, 400, "cannot unmarshal array"},
		{"empty", ``, 400, "empty body"},
		{"trailing", `{"Theta": 0.5} {}`, 400, "unexpected data after the object"},
		{"unknown field", `{"Thta": 0.5}`, 400, `unknown field "Thta"`},
		{"NaN", `{"Theta": NaN}`, 400, "malformed JSON"},
		{"string", `{"Theta": "0.5"}`, 400, "Theta"},
		{"float32 overflow", `{"DT": 1e39}`, 400, "DT"},
		{"out of range", `{"Theta": 5}`, 400, "Theta=5: must be in [0, 2]"},
		{"negative", `{"RepelK": -1}`, 400, "RepelK=-1"},
		{"zero DT", `{"DT": 0}`, 400, "DT=0"},
		{"Dims", `{"Dims": 2}`, 400, "Dims=2: cannot change"},
		{"Seed", `{"Seed": 9}`, 400, "Seed=9: cannot change"},
		{"too large", `{"Theta": 0.5` + strings.Repeat(" ", serve.MaxBody) + `}`, 413, "over 64 KiB"},
	} {
		code, body := e.do(t, "POST", "/api/params", c.body)
		checkError(t, c.name, code, body, c.code, c.want)
	}
	if calls := e.sim.Calls(); calls != (servetest.Calls{}) {
		t.Errorf("bad requests reached the simulation: %+v", calls)
	}
	if after := e.sim.State().Params; after != before {
		t.Errorf("params changed: %+v -> %+v", before, after)
	}
}

func TestPauseResume(t *testing.T) {
	e := start(t, envConfig{})
	ctx := testCtx(t)
	code, body := e.do(t, "POST", "/api/pause", "")
	if code != 200 || !e.state(t).Paused {
		t.Fatalf("POST /api/pause: %d %s", code, body)
	}
	// Paused, the loop still applies changes (and publishes them), but
	// steps no tick beyond the one that may have been in flight.
	ticks := e.sim.Stats().Ticks
	for k := range 2 {
		applied := e.sim.Stats().Applied
		if code, body := e.do(t, "POST", "/api/params", fmt.Sprintf(`{"RepelK": %d}`, 101+k)); code != 200 {
			t.Fatalf("POST /api/params: %d %s", code, body)
		}
		if err := e.sim.Wait(ctx, func(serve.State) bool { return e.sim.Stats().Applied > applied }); err != nil {
			t.Fatal(err)
		}
	}
	s := e.state(t)
	if got := e.sim.Stats().Ticks; got > ticks+1 {
		t.Errorf("paused, yet %d ticks were stepped", got-ticks)
	}
	code, body = e.do(t, "POST", "/api/resume", "{}")
	if code != 200 || e.state(t).Paused {
		t.Fatalf("POST /api/resume: %d %s", code, body)
	}
	if err := e.sim.Wait(ctx, func(st serve.State) bool { return st.Iteration > s.Iteration+2 }); err != nil {
		t.Fatal(err)
	}
	if c := e.sim.Calls(); c.Pause != 1 || c.Resume != 1 {
		t.Errorf("calls %+v", c)
	}
}

func TestPauseResumeRejected(t *testing.T) {
	e := start(t, envConfig{})
	for _, path := range []string{"/api/pause", "/api/resume"} {
		for _, c := range []struct {
			name, body string
			code       int
			want       string
		}{
			{"malformed", `{`, 400, "malformed JSON"},
			{"unknown field", `{"now": true}`, 400, `unknown field "now"`},
			{"too large", `{` + strings.Repeat(" ", serve.MaxBody) + `}`, 413, "over 64 KiB"},
		} {
			code, body := e.do(t, "POST", path, c.body)
			checkError(t, path+" "+c.name, code, body, c.code, c.want)
		}
	}
	if calls := e.sim.Calls(); calls != (servetest.Calls{}) {
		t.Errorf("bad requests reached the simulation: %+v", calls)
	}
}

func TestPin(t *testing.T) {
	e := start(t, envConfig{nodes: 100})
	ctx := testCtx(t)
	code, body := e.do(t, "POST", "/api/pin", `{"id": 7, "x": 1.5, "y": -2, "z": 3}`)
	if code != 200 {
		t.Fatalf("POST /api/pin: %d %s", code, body)
	}
	if p, ok := e.sim.Pins()[7]; !ok || p.X != 1.5 || p.Y != -2 || p.Z != 3 {
		t.Fatalf("pins %+v, want node 7 at (1.5, -2, 3)", e.sim.Pins())
	}
	// The kernel holds it there from the next step on.
	it := e.sim.State().Iteration
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Iteration > it+1 }); err != nil {
		t.Fatal(err)
	}
	if got := e.sim.Position(7); got != [3]float32{1.5, -2, 3} {
		t.Errorf("node 7 is at %v, want the pin (1.5, -2, 3)", got)
	}
	code, body = e.do(t, "POST", "/api/pin", `{"id": 7, "unpin": true}`)
	if code != 200 || len(e.sim.Pins()) != 0 {
		t.Fatalf("unpin: %d %s, pins %+v", code, body, e.sim.Pins())
	}
	// z is optional.
	if code, body = e.do(t, "POST", "/api/pin", `{"id": 0, "x": 1, "y": 2}`); code != 200 || e.sim.Pins()[0].Z != 0 {
		t.Fatalf("pin without z: %d %s, pins %+v", code, body, e.sim.Pins())
	}
}

func TestPinRejected(t *testing.T) {
	e := start(t, envConfig{nodes: 100})
	for _, c := range []struct {
		name, body string
		code       int
		want       string
	}{
		{"malformed", `{"id": 1, "x": }`, 400, "malformed JSON"},
		{"unknown field", `{"id": 1, "x": 1, "y": 2, "w": 3}`, 400, `unknown field "w"`},
		{"no id", `{"x": 1, "y": 2}`, 400, "id is required"},
		{"negative id", `{"id": -1, "x": 1, "y": 2}`, 400, "unknown node id -1"},
		{"id too large", `{"id": 100, "x": 1, "y": 2}`, 400, "unknown node id 100"},
		{"huge id", `{"id": 1e30, "x": 1, "y": 2}`, 400, "id"},
		{"fractional id", `{"id": 1.5, "x": 1, "y": 2}`, 400, "id"},
		{"unknown id unpin", `{"id": 1000, "unpin": true}`, 400, "unknown node id 1000"},
		{"no y", `{"id": 1, "x": 1}`, 400, "x and y are required"},
		{"NaN", `{"id": 1, "x": NaN, "y": 2}`, 400, "malformed JSON"},
		{"x out of range", `{"id": 1, "x": 1e13, "y": 2}`, 400, "x=1e+13: must be in [-1e12, 1e12]"},
		{"z out of range", `{"id": 1, "x": 1, "y": 2, "z": -2e12}`, 400, "z=-2e+12"},
		{"float64 overflow", `{"id": 1, "x": 1e999, "y": 2}`, 400, "x"},
		{"unpin with coordinates", `{"id": 1, "unpin": true, "x": 1}`, 400, "unpin takes no coordinates"},
		{"string x", `{"id": 1, "x": "1", "y": 2}`, 400, "x"},
		{"too large", `{"id": 1, "x": 1, "y": 2` + strings.Repeat(" ", serve.MaxBody) + `}`, 413, "over 64 KiB"},
		{"empty", ``, 400, "empty body"},
	} {
		code, body := e.do(t, "POST", "/api/pin", c.body)
		checkError(t, c.name, code, body, c.code, c.want)
	}
	if calls := e.sim.Calls(); calls != (servetest.Calls{}) {
		t.Errorf("bad requests reached the simulation: %+v", calls)
	}
}

func TestMethodsAndPaths(t *testing.T) {
	e := start(t, envConfig{})
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/pause"}, {"GET", "/api/resume"}, {"GET", "/api/pin"}, {"GET", "/api/params"},
		{"POST", "/api/state"}, {"POST", "/metrics"}, {"DELETE", "/api/graph"},
	} {
		code, body := e.do(t, c.method, c.path, "")
		checkError(t, c.method+" "+c.path, code, body, 405, "not allowed")
	}
	code, body := e.do(t, "GET", "/api/nothing", "")
	checkError(t, "GET /api/nothing", code, body, 404, "no such endpoint")
	if calls := e.sim.Calls(); calls != (servetest.Calls{}) {
		t.Errorf("bad requests reached the simulation: %+v", calls)
	}
}

func TestPage(t *testing.T) {
	e := start(t, envConfig{})
	for _, c := range []struct{ path, want string }{
		{"/", "<canvas id=\"view\""}, {"/app.js", "new WebSocket"}, {"/style.css", "#panel"},
	} {
		code, body := e.do(t, "GET", c.path, "")
		if code != 200 || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d, body has %q: %v", c.path, code, c.want, strings.Contains(body, c.want))
		}
		// No CDN: the page loads nothing from elsewhere.
		for _, bad := range []string{"http://", "https://", "//cdn", "import "} {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s: the page refers to %q", c.path, bad)
			}
		}
	}
	resp, err := httpGet(e.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestGraph(t *testing.T) {
	e := start(t, envConfig{nodes: 150})
	code, body := e.do(t, "GET", "/api/graph", "")
	if code != 200 {
		t.Fatalf("GET /api/graph: %d", code)
	}
	g := e.sim.Graph()
	b := []byte(body)
	le := func(i int) uint32 { return uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24 }
	nodes, edges := le(0), le(4)
	if int(nodes) != g.Nodes || int(edges)*2 != len(g.Col) || len(b) != 8+8*int(edges) {
		t.Fatalf("graph header nodes %d edges %d (%d bytes), want %d nodes, %d edges", nodes, edges, len(b), g.Nodes, len(g.Col)/2)
	}
	// Every edge is one of the CSR's, with its ends in order.
	adj := map[[2]uint32]bool{}
	for i := 0; i < g.Nodes; i++ {
		for _, j := range g.Col[g.RowPtr[i]:g.RowPtr[i+1]] {
			adj[[2]uint32{uint32(i), uint32(j)}] = true
		}
	}
	for k := 0; k < int(edges); k++ {
		a, c := le(8+8*k), le(12+8*k)
		if a >= c || !adj[[2]uint32{a, c}] {
			t.Fatalf("edge %d: (%d, %d) is not an edge of the graph", k, a, c)
		}
	}
}
