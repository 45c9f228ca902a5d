package progress

import (
	"math"
	"time"
)

// window is how many recent samples the estimates look at.
const window = 64

type sample struct {
	tick int
	ln   float64 // ln(kinetic energy); NaN when not positive
	at   time.Time
}

// Estimator turns (tick, kinetic energy, time) samples into a tick rate, an
// energy decay rate and an ETA. It is not safe for concurrent use.
type Estimator struct {
	// Settle is the kinetic energy below which the run is at equilibrium;
	// <= 0 means unknown (no ETA to equilibrium).
	Settle float64
	// MaxTicks, when > 0, ends the run at that tick whatever the energy.
	MaxTicks int

	ring     [window]sample
	n, next  int
	peakLn   float64 // the highest ln energy seen, where progress starts
	progress float64 // monotone fraction done
}

// Add records the energy after tick at time now. Ticks should not
// decrease; a repeated tick replaces nothing and is ignored.
func (e *Estimator) Add(tick int, kinetic float64, now time.Time) {
	ln := math.NaN()
	if kinetic > 0 && !math.IsInf(kinetic, 0) {
		ln = math.Log(kinetic)
	}
	s := sample{tick: tick, ln: ln, at: now}
	if e.n == 0 {
		e.peakLn = ln
	} else if tick <= e.last().tick {
		return
	}
	if !math.IsNaN(ln) && (math.IsNaN(e.peakLn) || ln > e.peakLn) {
		e.peakLn = ln
	}
	e.ring[e.next] = s
	e.next = (e.next + 1) % window
	e.n = min(e.n+1, window)
	e.progress = math.Max(e.progress, e.fraction())
}

func (e *Estimator) last() sample   { return e.ring[(e.next+window-1)%window] }
func (e *Estimator) oldest() sample { return e.ring[(e.next+window-e.n)%window] }

// TicksPerSecond is the tick rate over the recent samples (0 if unknown).
func (e *Estimator) TicksPerSecond() float64 {
	if e.n < 2 {
		return 0
	}
	a, b := e.oldest(), e.last()
	dt := b.at.Sub(a.at).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(b.tick-a.tick) / dt
}

// DecayPerTick is the recent exponential decay rate of the energy, the
// negated least-squares slope of ln(energy) against ticks; > 0 while the
// energy falls, NaN if unknown.
func (e *Estimator) DecayPerTick() float64 {
	var sx, sy, sxx, sxy, m float64
	for k := 0; k < e.n; k++ {
		s := e.ring[k]
		if math.IsNaN(s.ln) {
			continue
		}
		x := float64(s.tick)
		sx, sy, sxx, sxy, m = sx+x, sy+s.ln, sxx+x*x, sxy+x*s.ln, m+1
	}
	den := m*sxx - sx*sx
	if m < 3 || den <= 0 {
		return math.NaN()
	}
	return -(m*sxy - sx*sy) / den
}

// TicksLeft estimates the ticks until the run ends: at MaxTicks, or when
// the energy, decaying at its recent rate, falls below Settle, whichever
// comes first. ok is false when neither can be told.
func (e *Estimator) TicksLeft() (ticks int, ok bool) {
	if e.n == 0 {
		return 0, false
	}
	last := e.last()
	left := math.Inf(1)
	if e.MaxTicks > 0 {
		left = float64(max(e.MaxTicks-last.tick, 0))
	}
	if e.Settle > 0 && !math.IsNaN(last.ln) {
		target := math.Log(e.Settle)
		if last.ln <= target {
			left = 0
		} else if k := e.DecayPerTick(); k > 0 {
			left = math.Min(left, (last.ln-target)/k)
		}
	}
	if math.IsInf(left, 1) || left > 1e12 {
		return 0, false
	}
	return int(math.Ceil(left)), true
}

// ETA is TicksLeft at the current tick rate.
func (e *Estimator) ETA() (time.Duration, bool) {
	ticks, ok := e.TicksLeft()
	rate := e.TicksPerSecond()
	if !ok || (ticks > 0 && rate <= 0) {
		return 0, false
	}
	if ticks == 0 {
		return 0, true
	}
	return time.Duration(float64(ticks) / rate * float64(time.Second)), true
}

// Fraction is the share of the run done, in [0, 1], never decreasing: ticks
// over MaxTicks, or else how far the energy has fallen from its peak
// towards Settle on a log scale.
func (e *Estimator) Fraction() float64 { return e.progress }

func (e *Estimator) fraction() float64 {
	last := e.last()
	f := 0.0
	if e.MaxTicks > 0 {
		f = float64(last.tick) / float64(e.MaxTicks)
	}
	if e.Settle > 0 && !math.IsNaN(last.ln) && !math.IsNaN(e.peakLn) {
		if span := e.peakLn - math.Log(e.Settle); span > 0 {
			f = math.Max(f, (e.peakLn-last.ln)/span)
		} else {
			f = 1
		}
	}
	return math.Min(math.Max(f, 0), 1)
}
