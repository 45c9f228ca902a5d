package progress_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/protoack/protoack/internal/progress"
)

// clock is a fake clock: each call to now returns the current time; tests
// move it with step.
type clock struct{ t time.Time }

func (c *clock) now() time.Time           { return c.t }
func (c *clock) step(d time.Duration)     { c.t = c.t.Add(d) }
func energy(e0, k float64, t int) float64 { return e0 * math.Exp(-k*float64(t)) }

func TestEstimatorExponentialDecay(t *testing.T) {
	// Energy 1000*exp(-0.01 t) at 100 ticks/s; equilibrium at 1000*exp(-5),
	// tick 500. At tick 200, 300 ticks (3 s) are left.
	c := &clock{t: time.Unix(0, 0)}
	e := progress.Estimator{Settle: energy(1000, 0.01, 500)}
	for tick := 1; tick <= 200; tick++ {
		c.step(10 * time.Millisecond)
		e.Add(tick, energy(1000, 0.01, tick), c.now())
	}
	if k := e.DecayPerTick(); math.Abs(k-0.01) > 1e-9 {
		t.Errorf("decay %v per tick, want 0.01", k)
	}
	if r := e.TicksPerSecond(); math.Abs(r-100) > 1e-6 {
		t.Errorf("%v ticks/s, want 100", r)
	}
	if left, ok := e.TicksLeft(); !ok || left < 299 || left > 301 {
		t.Errorf("ticks left %d, %v; want 300", left, ok)
	}
	if eta, ok := e.ETA(); !ok || (eta-3*time.Second).Abs() > 20*time.Millisecond {
		t.Errorf("ETA %v, %v; want 3s", eta, ok)
	}
	// 200 of 500 ticks of log-energy decay from the peak.
	if f := e.Fraction(); math.Abs(f-0.4) > 0.01 {
		t.Errorf("fraction %v, want 0.4", f)
	}
	// A tick limit that comes first wins.
	e.MaxTicks = 250
	if left, ok := e.TicksLeft(); !ok || left != 50 {
		t.Errorf("with MaxTicks 250: %d, %v; want 50", left, ok)
	}
}

func TestEstimatorUnknowns(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	var e progress.Estimator
	if _, ok := e.ETA(); ok {
		t.Error("ETA before any sample")
	}
	e.Settle = 1
	// Rising energy (warm-up): no decay, no ETA.
	for tick := 1; tick <= 10; tick++ {
		c.step(time.Millisecond)
		e.Add(tick, float64(tick*tick), c.now())
	}
	if _, ok := e.ETA(); ok || !(e.DecayPerTick() < 0) {
		t.Errorf("rising energy: decay %v, want < 0 and no ETA", e.DecayPerTick())
	}
	// Zero, negative, NaN and repeated ticks are ignored without panics.
	e.Add(11, 0, c.now())
	e.Add(12, math.NaN(), c.now())
	e.Add(12, -1, c.now())
	e.Add(5, 1e9, c.now())
	// Below Settle: done now.
	c.step(time.Millisecond)
	e.Add(13, 0.5, c.now())
	if eta, ok := e.ETA(); !ok || eta != 0 || e.Fraction() != 1 {
		t.Errorf("settled: ETA %v, %v, fraction %v; want 0, true, 1", eta, ok, e.Fraction())
	}
}

func TestEstimatorFractionNeverFalls(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	e := progress.Estimator{Settle: 1e-3}
	prev := 0.0
	for tick := 1; tick <= 300; tick++ {
		c.step(time.Millisecond)
		// Decaying with a bump in the middle.
		k := energy(100, 0.02, tick)
		if tick > 100 && tick < 120 {
			k *= 50
		}
		e.Add(tick, k, c.now())
		if f := e.Fraction(); f < prev || f > 1 {
			t.Fatalf("tick %d: fraction %v after %v", tick, f, prev)
		}
		prev = e.Fraction()
	}
}

func TestReporterPlainLines(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	var out bytes.Buffer
	r := progress.New(progress.Config{Out: &out, Now: c.now, Settle: energy(1000, 0.01, 500)})
	for tick := 1; tick <= 450; tick++ {
		c.step(10 * time.Millisecond)
		r.Update(tick, energy(1000, 0.01, tick))
	}
	r.Finish(false)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	// One line per simulated second (ticks 100..400), then the final line.
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 4 and a final one:\n%s", len(lines), out.String())
	}
	want := regexp.MustCompile(`^tick 300  kinetic 49\.79  100 ticks/s  ETA 2s$`)
	if !want.MatchString(lines[2]) {
		t.Errorf("third line %q, want %v", lines[2], want)
	}
	if lines[4] != "stopped at tick 450: kinetic 11.11, 100 ticks/s, 4.5s" {
		t.Errorf("final line %q", lines[4])
	}
}

func TestReporterTickLimit(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	var out bytes.Buffer
	r := progress.New(progress.Config{Out: &out, Now: c.now, MaxTicks: 400, Interval: 2 * time.Second})
	for tick := 1; tick <= 200; tick++ {
		c.step(10 * time.Millisecond)
		r.Update(tick, 5)
	}
	r.Finish(true)
	if want := "tick 200/400  kinetic 5  100 ticks/s  ETA 2s\nsettled at tick 200: kinetic 5, 100 ticks/s, 2s\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	if f := r.Fraction(); f != 0.5 {
		t.Errorf("fraction %v, want 0.5", f)
	}
}

func TestReporterBar(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	var out bytes.Buffer
	r := progress.New(progress.Config{Out: &out, Terminal: true, Now: c.now, MaxTicks: 100})
	for tick := 1; tick <= 100; tick++ {
		c.step(10 * time.Millisecond)
		r.Update(tick, 1)
	}
	r.Finish(true)
	s := out.String()
	if !strings.Contains(s, "100%") || !strings.Contains(s, "tick 100/100  kinetic 1") || !strings.HasSuffix(s, "|  \nsettled at tick 100: kinetic 1, 100 ticks/s, 1s\n") {
		t.Errorf("bar output %q", s)
	}
	// A run stopped early clears its bar instead of filling it.
	out.Reset()
	r = progress.New(progress.Config{Out: &out, Terminal: true, Now: c.now, MaxTicks: 100})
	r.Update(1, 1)
	r.Finish(false)
	if s := out.String(); strings.Contains(s, "100%") || !strings.HasSuffix(s, " \rstopped at tick 1: kinetic 1, 0 ticks/s, 0s\n") {
		t.Errorf("stopped bar output %q", s)
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if progress.IsTerminal(f) || progress.IsTerminal(&bytes.Buffer{}) {
		t.Error("a file or a buffer taken for a terminal")
	}
}
