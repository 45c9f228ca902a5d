package serve_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/serve"
)

// chromium finds the browser, or skips the test (fails it when CI=true).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found, but CI=true: .ci/run should have installed it (apt-get install -y chromium)")
	}
	t.Skip("chromium not found: the browser test did NOT run (apt-get install -y chromium)")
	return ""
}

// browser is a headless Chromium tab. console holds the page's console
// errors and exceptions.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	console []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromium(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	b := &browser{ctx: ctx}
	messages := chromedp.Console(ctx) // before the page loads: no message is lost
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.console = append(b.console, m.String())
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		wg.Wait()
	})
	return b
}

func (b *browser) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

func (b *browser) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v (console: %q)", what, err, b.errors())
	}
}

func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitJS waits until the expression is truthy in the page.
func (b *browser) waitJS(t *testing.T, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(0))); err != nil {
		t.Fatalf("waiting for %s: %v (console: %q)", expr, err, b.errors())
	}
}

// shot is a screenshot of the drawing.
func (b *browser) shot(t *testing.T) image.Image {
	t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS("#view")))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// differ counts the pixels that differ between two screenshots.
func differ(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

func drawn(t *testing.T, b *browser) uint64 {
	return uint64(eval[float64](t, b, `+document.getElementById('view').dataset.iteration`))
}

// pickNode returns a node drawn well inside the canvas (a drag of 60 px
// stays on it) with no other node within 10 px, so that pressing the
// mouse on it picks it.
func pickNode(t *testing.T, b *browser) int {
	t.Helper()
	i := eval[int](t, b, `(() => {
		const c = document.getElementById('view').getBoundingClientRect(), pp = window.protoack.screenPos;
		const n = +document.getElementById('nodes').textContent, m = 80;
		for (let i = 0; i < n; i++) {
			const p = pp(i);
			if (!(p[0] > c.left + m && p[0] < c.right - m && p[1] > c.top + m && p[1] < c.bottom - m)) continue;
			let alone = true;
			for (let j = 0; j < n && alone; j++) {
				const q = pp(j);
				if (j !== i && Math.hypot(p[0] - q[0], p[1] - q[1]) < 10) alone = false;
			}
			if (alone) return i;
		}
		return -1;
	})()`)
	if i < 0 {
		t.Fatal("no node is drawn alone well inside the canvas")
	}
	return i
}

// TestBrowser drives the page in headless Chromium: it loads without console
// errors, the drawing moves, pause stops it and resume restarts it, a
// slider reaches the simulation, and dragging a node pins it (a
// double-click unpins it).
func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	e := start(t, envConfig{nodes: 800, opt: servetestOptions(60), params: func(p *kernel.Params) { p.Cooling = 0.001 }})
	ctx := testCtx(t)
	b.do(t, "load", chromedp.Navigate(e.url), chromedp.WaitVisible(chromedp.CSS("#view")))
	b.waitJS(t, `+document.getElementById('view').dataset.iteration > 0`)

	// The drawing changes over time.
	it0, a := drawn(t, b), b.shot(t)
	b.waitJS(t, fmt.Sprintf(`+document.getElementById('view').dataset.iteration >= %d`, it0+10))
	moved := b.shot(t)
	if n := differ(a, moved); n < 100 {
		t.Errorf("%d pixels changed between iterations %d and %d, want the drawing to move", n, it0, drawn(t, b))
	}

	// Pause stops it: the page draws the paused layout and nothing after,
	// while the server keeps sending step events.
	b.do(t, "pause", chromedp.Click(chromedp.CSS("#pause")))
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Paused && e.sim.Parked() }); err != nil {
		t.Fatal(err)
	}
	paused := e.sim.State().Iteration
	b.waitJS(t, fmt.Sprintf(`+document.getElementById('view').dataset.iteration === %d`, paused))
	c := b.shot(t)
	steps := eval[int](t, b, `window.protoack.stats.steps`)
	b.waitJS(t, fmt.Sprintf(`window.protoack.stats.steps >= %d`, steps+3))
	if d := b.shot(t); differ(c, d) != 0 || drawn(t, b) != paused {
		t.Errorf("paused at %d, the drawing changed (%d pixels, iteration %d)", paused, differ(c, d), drawn(t, b))
	}
	if st := e.state(t); !st.Paused || st.Iteration != paused {
		t.Errorf("paused at %d, state %+v", paused, st)
	}

	// Resume restarts it.
	b.do(t, "resume", chromedp.Click(chromedp.CSS("#resume")))
	b.waitJS(t, fmt.Sprintf(`+document.getElementById('view').dataset.iteration >= %d`, paused+10))
	if n := differ(c, b.shot(t)); n < 100 {
		t.Errorf("resumed: only %d pixels changed", n)
	}

	// A slider moved by the keyboard reaches the simulation.
	before := e.sim.State().Params.RepelK
	b.do(t, "slider", chromedp.Focus(chromedp.CSS("#p-RepelK")), chromedp.KeyEvent(kb.ArrowRight))
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Params.RepelK == before+1 }); err != nil {
		t.Fatalf("RepelK slider: %v", err)
	}
	if got := e.state(t).Params.RepelK; got != before+1 {
		t.Errorf("/api/state RepelK %v, want %v", got, before+1)
	}

	// Dragging a node pins it where it is dropped. Paused, so the node
	// stays where the test looked for it.
	b.do(t, "pause", chromedp.Click(chromedp.CSS("#pause")))
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Paused && e.sim.Parked() }); err != nil {
		t.Fatal(err)
	}
	paused = e.sim.State().Iteration
	b.waitJS(t, fmt.Sprintf(`+document.getElementById('view').dataset.iteration === %d`, paused))
	node := pickNode(t, b)
	xy := eval[[]float64](t, b, fmt.Sprintf(`window.protoack.screenPos(%d)`, node))
	x0, y0 := xy[0], xy[1]
	x1, y1 := x0+60, y0+40
	steps2 := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for k := 1; k <= 6; k++ {
		f := float64(k) / 6
		steps2 = append(steps2, chromedp.MouseEvent(chromedp.MouseMoved, x0+f*(x1-x0), y0+f*(y1-y0), chromedp.ButtonLeft))
	}
	steps2 = append(steps2, chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.do(t, "drag", steps2...)
	var pin kernel.Pin
	if err := e.sim.Wait(ctx, func(serve.State) bool {
		p, ok := e.sim.Pins()[node]
		pin = p
		return ok && e.sim.Stats().Applied > 0
	}); err != nil {
		t.Fatalf("dragging node %d did not pin it: %v", node, err)
	}
	// The pin the page sent last is where the node was dropped: once the
	// simulation has it, the page draws the node under the pointer, and
	// the simulation holds the node at that pin (the first pin seen above
	// may be one the page sent mid-drag).
	b.waitJS(t, fmt.Sprintf(`(() => { const p = window.protoack.screenPos(%d); return Math.hypot(p[0] - %v, p[1] - %v) < 3; })()`, node, x1, y1))
	if err := e.sim.Wait(ctx, func(serve.State) bool {
		p, ok := e.sim.Pins()[node]
		pin = p
		return ok && e.sim.Position(node) == [3]float32{p.X, p.Y, p.Z}
	}); err != nil {
		t.Fatalf("node %d at %v, pinned at %+v: %v", node, e.sim.Position(node), pin, err)
	}

	// A double-click unpins it. On a loaded machine the browser may take
	// the two clicks for two single ones: then it is double-clicked again,
	// where the node is drawn now, up to three times.
	var unpinErr error
	for range 3 {
		xy := eval[[]float64](t, b, fmt.Sprintf(`window.protoack.screenPos(%d)`, node))
		b.do(t, "double-click", chromedp.MouseClickXY(xy[0], xy[1], chromedp.ClickCount(1)), chromedp.MouseClickXY(xy[0], xy[1], chromedp.ClickCount(2)))
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		unpinErr = e.sim.Wait(wctx, func(serve.State) bool { return len(e.sim.Pins()) == 0 })
		cancel()
		if unpinErr == nil {
			break
		}
	}
	if unpinErr != nil {
		t.Fatalf("double-click did not unpin node %d: %v (pins %+v)", node, unpinErr, e.sim.Pins())
	}

	// Dragging where there is no node rotates the view (3D): the drawing
	// changes while paused, and nothing is pinned.
	pins := e.sim.Calls().Pin
	box := eval[[]float64](t, b, `(() => { const r = document.getElementById('view').getBoundingClientRect(); return [r.left, r.top]; })()`)
	rx, ry := box[0]+12, box[1]+12 // a corner: the layout is fitted to the middle
	still, draws := b.shot(t), eval[int](t, b, `window.protoack.stats.draws`)
	b.do(t, "rotate",
		chromedp.MouseEvent(chromedp.MousePressed, rx, ry, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, rx+50, ry+20, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, rx+100, ry+40, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, rx+100, ry+40, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.waitJS(t, fmt.Sprintf(`window.protoack.stats.draws > %d`, draws))
	if n := differ(still, b.shot(t)); n < 100 {
		t.Errorf("rotating the view changed %d pixels", n)
	}
	if got := e.sim.Calls().Pin; got != pins || len(e.sim.Pins()) != 0 {
		t.Errorf("rotating pinned: %d pin calls, pins %+v", got-pins, e.sim.Pins())
	}

	// The metrics panel shows the delivery counts of the tracked steps.
	b.waitJS(t, `(() => { const r = document.querySelector('#delivery tbody tr');
		return r && r.cells[0].textContent === 'ComputeForces' && +r.cells[1].textContent > 0 && +r.cells[2].textContent > 0; })()`)

	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// TestBrowser2D: a 2D layout draws (no rotation) and a drag pins with z 0.
func TestBrowser2D(t *testing.T) {
	b := newBrowser(t)
	e := start(t, envConfig{nodes: 300, opt: servetestOptions(60), params: func(p *kernel.Params) { p.Dims = 2 }})
	ctx := testCtx(t)
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Iteration >= 2 }); err != nil {
		t.Fatal(err)
	}
	if code, body := e.do(t, "POST", "/api/pause", ""); code != 200 {
		t.Fatalf("pause: %d %s", code, body)
	}
	b.do(t, "load", chromedp.Navigate(e.url), chromedp.WaitVisible(chromedp.CSS("#view")))
	b.waitJS(t, fmt.Sprintf(`+document.getElementById('view').dataset.iteration === %d`, e.sim.State().Iteration))
	node := pickNode(t, b)
	xy := eval[[]float64](t, b, fmt.Sprintf(`window.protoack.screenPos(%d)`, node))
	b.do(t, "drag",
		chromedp.MouseEvent(chromedp.MousePressed, xy[0], xy[1], chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, xy[0]+30, xy[1]-20, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, xy[0]+30, xy[1]-20, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err := e.sim.Wait(ctx, func(serve.State) bool { _, ok := e.sim.Pins()[node]; return ok }); err != nil {
		t.Fatalf("dragging node %d did not pin it: %v", node, err)
	}
	if p := e.sim.Pins()[node]; p.Z != 0 {
		t.Errorf("2D pin %+v has a z", p)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// TestBrowserFrameRate measures how many frames a second the page draws a
// 10,000-node graph at in headless Chromium (software rendering): it logs
// the figure for docs/performance.md and, the verdict not depending on
// the machine's speed, checks only that it drew.
func TestBrowserFrameRate(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	b := newBrowser(t)
	e := start(t, envConfig{nodes: 10000, opt: servetestOptions(5)})
	ctx := testCtx(t)
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Iteration >= 1 }); err != nil {
		t.Fatal(err)
	}
	if code, body := e.do(t, "POST", "/api/pause", ""); code != 200 {
		t.Fatalf("pause: %d %s", code, body)
	}
	b.do(t, "load", chromedp.Navigate(e.url), chromedp.WaitVisible(chromedp.CSS("#view")))
	b.waitJS(t, fmt.Sprintf(`+document.getElementById('view').dataset.iteration === %d`, e.sim.State().Iteration))
	fps, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`window.protoack.spin(3000)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	draws := eval[float64](t, b, `window.protoack.stats.draws`)
	ms := eval[float64](t, b, `window.protoack.stats.drawMs`) / draws
	t.Logf("10000 nodes, %d edges, 1280x800: %.1f frames/s redrawing every animation frame; %.1f ms of script per draw",
		len(e.sim.Graph().Col)/2, fps, ms)
	if fps <= 0 || draws < 2 {
		t.Errorf("the page drew %v times (%.1f frames/s)", draws, fps)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// TestScreenshot writes docs/live-view.png (the README shows it) when
// PROTOACK_SCREENSHOT_DIR names the folder:
//
//	PROTOACK_SCREENSHOT_DIR=$PWD/docs go test -run TestScreenshot ./internal/serve
func TestScreenshot(t *testing.T) {
	dir := os.Getenv("PROTOACK_SCREENSHOT_DIR")
	if dir == "" {
		t.Skip("PROTOACK_SCREENSHOT_DIR not set")
	}
	b := newBrowser(t)
	e := start(t, envConfig{nodes: 3000})
	ctx := testCtx(t)
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Iteration >= 300 }); err != nil {
		t.Fatal(err)
	}
	b.do(t, "load", chromedp.Navigate(e.url), chromedp.WaitVisible(chromedp.CSS("#view")))
	b.waitJS(t, `window.protoack.stats.steps >= 16 && document.querySelectorAll('#delivery tbody tr').length > 0`)
	buf, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "live-view.png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
