package progress

import (
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Config configures a Reporter.
type Config struct {
	Out      io.Writer        // where reports go: the command's stderr
	Terminal bool             // draw a bar (see IsTerminal) instead of plain lines
	Interval time.Duration    // plain lines: at most one per Interval; 0 means 1s
	Now      func() time.Time // the clock; nil means time.Now
	Settle   float64          // kinetic energy at equilibrium; <= 0: unknown
	MaxTicks int              // the run's tick limit; 0: until equilibrium
}

// Reporter shows the progress of one run. Update it after each tick (or
// less often), then call Finish once. It is not safe for concurrent use.
type Reporter struct {
	cfg      Config
	est      Estimator
	start    time.Time
	lastLine time.Time
	bar      *progressbar.ProgressBar
	tick     int
	kinetic  float64
}

// barSteps is the bar's resolution.
const barSteps = 1000

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// New returns a Reporter; the run starts now.
func New(cfg Config) *Reporter {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	r := &Reporter{cfg: cfg, est: Estimator{Settle: cfg.Settle, MaxTicks: cfg.MaxTicks}}
	r.start = cfg.Now()
	r.lastLine = r.start
	if cfg.Terminal {
		r.bar = progressbar.NewOptions(barSteps,
			progressbar.OptionSetWriter(cfg.Out),
			progressbar.OptionSetWidth(30),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionSetElapsedTime(false),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetDescription("layout"),
		)
	}
	return r
}

// Update records the kinetic energy after tick and shows it when due.
func (r *Reporter) Update(tick int, kinetic float64) {
	now := r.cfg.Now()
	r.est.Add(tick, kinetic, now)
	r.tick, r.kinetic = tick, kinetic
	if r.bar != nil {
		r.bar.Describe(r.status())
		r.bar.Set(int(r.est.Fraction() * barSteps))
		return
	}
	if now.Sub(r.lastLine) >= r.cfg.Interval {
		r.lastLine = now
		fmt.Fprintln(r.cfg.Out, r.status())
	}
}

// status is "tick T[/N]  kinetic K  R ticks/s  ETA D".
func (r *Reporter) status() string {
	s := fmt.Sprintf("tick %d", r.tick)
	if r.cfg.MaxTicks > 0 {
		s += fmt.Sprintf("/%d", r.cfg.MaxTicks)
	}
	s += fmt.Sprintf("  kinetic %.4g  %.0f ticks/s  ETA ", r.kinetic, r.est.TicksPerSecond())
	if eta, ok := r.est.ETA(); ok {
		s += eta.Round(100 * time.Millisecond).String()
	} else {
		s += "?"
	}
	return s
}

// Finish ends the report with one line: where the run stopped, whether it
// settled, and its mean rate. A bar is filled when the run settled, and
// cleared otherwise (its last drawing may be stale: drawing is throttled).
func (r *Reporter) Finish(settled bool) {
	if r.bar != nil {
		if settled {
			r.bar.Finish()
			fmt.Fprintln(r.cfg.Out)
		} else {
			r.bar.Clear()
		}
		r.bar.Exit()
	}
	el := r.cfg.Now().Sub(r.start)
	how := "stopped"
	if settled {
		how = "settled"
	}
	rate := 0.0
	if el > 0 {
		rate = float64(r.tick) / el.Seconds()
	}
	fmt.Fprintf(r.cfg.Out, "%s at tick %d: kinetic %.4g, %.0f ticks/s, %v\n", how, r.tick, r.kinetic, rate, el.Round(time.Millisecond))
}

// Fraction is the share of the run done so far, in [0, 1].
func (r *Reporter) Fraction() float64 { return math.Min(r.est.Fraction(), 1) }
