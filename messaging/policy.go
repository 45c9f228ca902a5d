package messaging

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Kind names a class of message; each kind has its own Policy and metrics.
// messaging defines no kinds: they belong to the protocol that uses it.
type Kind string

// Backoff is the delay schedule between re-sends, as plain data. The delay
// before re-send n (n >= 1) is min(Max, Base * Multiplier^(n-1)); with Jitter
// it is drawn uniformly from [0, that delay] ("full jitter").
type Backoff struct {
	Base       time.Duration
	Multiplier float64
	Max        time.Duration
	Jitter     bool
}

// DefaultBackoff is 100 ms doubling up to 30 s, without jitter.
func DefaultBackoff() Backoff {
	return Backoff{Base: 100 * time.Millisecond, Multiplier: 2, Max: 30 * time.Second}
}

// Delay returns the wait before re-send n (n >= 1; n < 1 is read as 1).
// rnd is used only with Jitter; nil rnd means no jitter.
func (b Backoff) Delay(n int, rnd *rand.Rand) time.Duration {
	if n < 1 {
		n = 1
	}
	d := float64(b.Base)
	for i := 1; i < n && d < float64(b.Max); i++ {
		d *= b.Multiplier
	}
	if d > float64(b.Max) {
		d = float64(b.Max)
	}
	if b.Jitter && rnd != nil {
		d = rnd.Float64() * d
	}
	return time.Duration(d)
}

// Policy governs one kind of message.
//
// The ack timeout adapts to measured ack latency unless FixedTimeout is
// set: it is max(Timeout, SRTT + 4*RTTVAR), as TCP's retransmission timer
// (RFC 6298), from the latencies of messages of the kind acknowledged on
// their first send, capped by MaxTimeout. Timeout is thus a floor: a slow
// receiver raises the timeout instead of drawing re-sends it does not need.
type Policy struct {
	Timeout        time.Duration // wait for an ack after each send; the floor of the adaptive timeout
	MaxRetries     int           // re-sends after the first send; 0 means none
	Backoff        Backoff
	RetryOnFailure bool // re-send after a Failed ack instead of ending the message
	// FixedTimeout turns the adaptive timeout off: every send waits Timeout.
	FixedTimeout bool
	// MaxTimeout caps the adaptive timeout; zero means max(Timeout, 60 s).
	MaxTimeout time.Duration
}

func (p *Policy) maxTimeout() time.Duration {
	if p.MaxTimeout > 0 {
		return p.MaxTimeout
	}
	return max(p.Timeout, defaultMaxTimeout)
}

// DefaultPolicy applies to kinds that have no policy of their own:
// 5 s timeout (adaptive above it), 3 retries, DefaultBackoff.
func DefaultPolicy() Policy {
	return Policy{Timeout: 5 * time.Second, MaxRetries: 3, Backoff: DefaultBackoff()}
}

// Validate reports the first invalid field by name.
func (p Policy) Validate() error {
	switch {
	case p.Timeout <= 0:
		return fmt.Errorf("messaging: policy: Timeout=%v must be > 0", p.Timeout)
	case p.MaxRetries < 0:
		return fmt.Errorf("messaging: policy: MaxRetries=%d must be >= 0", p.MaxRetries)
	case p.Backoff.Base <= 0:
		return fmt.Errorf("messaging: policy: Backoff.Base=%v must be > 0", p.Backoff.Base)
	case !(p.Backoff.Multiplier >= 1):
		return fmt.Errorf("messaging: policy: Backoff.Multiplier=%v must be >= 1", p.Backoff.Multiplier)
	case p.Backoff.Max < p.Backoff.Base:
		return fmt.Errorf("messaging: policy: Backoff.Max=%v must be >= Backoff.Base=%v", p.Backoff.Max, p.Backoff.Base)
	case p.MaxTimeout < 0 || (p.MaxTimeout > 0 && p.MaxTimeout < p.Timeout):
		return fmt.Errorf("messaging: policy: MaxTimeout=%v must be 0 or >= Timeout=%v", p.MaxTimeout, p.Timeout)
	}
	return nil
}
