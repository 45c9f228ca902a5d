package messaging

import (
	"log/slog"
	"runtime"

	"go.opentelemetry.io/otel/metric"
)

// Option configures a Tracker.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	clock      Clock
	onOutcome  func(Outcome)
	policies   map[Kind]Policy
	def        Policy
	maxPending int
	seed       uint64
	window     int
	shards     int
	mp         metric.MeterProvider
	log        *slog.Logger
}

func defaultConfig() config {
	return config{
		clock:      SystemClock(),
		policies:   map[Kind]Policy{},
		maxPending: defaultMaxPending,
		window:     16 * defaultDuplicateWindow,
		shards:     defaultShards(),
		log:        slog.New(slog.DiscardHandler),
	}
}

func defaultShards() int {
	n := 1
	for n < 4*runtime.GOMAXPROCS(0) && n < 64 {
		n <<= 1
	}
	return n
}

// WithClock sets the clock; the default is SystemClock().
func WithClock(c Clock) Option { return optionFunc(func(cfg *config) { cfg.clock = c }) }

// WithOutcome sets the function told of every message's end, exactly once
// per tracked message and for every Result, success included. It is called
// outside the Tracker's locks, from the goroutine that caused the end (an
// Acknowledge or Close caller, or the timer), so it must be quick and
// safe for concurrent use.
func WithOutcome(f func(Outcome)) Option { return outcomeOption(f) }

type outcomeOption func(Outcome)

func (f outcomeOption) apply(c *config) { c.onOutcome = f }

// SetsOutcome reports whether o is a WithOutcome option, for wrappers
// (such as the middleware) that set the outcome function themselves.
func SetsOutcome(o Option) bool {
	_, ok := o.(outcomeOption)
	return ok
}

// WithPolicy sets the policy of kind k; kinds without one get the default
// policy.
func WithPolicy(k Kind, p Policy) Option {
	return optionFunc(func(c *config) { c.policies[k] = p })
}

// WithDefaultPolicy sets the policy of kinds that have none; the default
// is DefaultPolicy().
func WithDefaultPolicy(p Policy) Option { return optionFunc(func(c *config) { c.def = p }) }

// WithMaxPending caps pending messages (default 1<<20); Track returns
// ErrTooManyPending at the cap. n <= 0 removes the cap.
func WithMaxPending(n int) Option { return optionFunc(func(c *config) { c.maxPending = n }) }

// WithSeed seeds backoff jitter, for reproducible schedules.
func WithSeed(seed uint64) Option { return optionFunc(func(c *config) { c.seed = seed }) }

// WithDuplicateWindow sets how many recently ended IDs are remembered so
// that late acks count as duplicates rather than unknown (default 65536).
func WithDuplicateWindow(n int) Option { return optionFunc(func(c *config) { c.window = n }) }

// WithShards sets the number of independently locked shards (rounded up
// to a power of two; default 4 x GOMAXPROCS, at most 64).
func WithShards(n int) Option { return optionFunc(func(c *config) { c.shards = n }) }

// WithMeterProvider exports the metrics as OpenTelemetry instruments.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) { c.mp = mp })
}

// WithLogger sets the Tracker's logger. It logs, at Warn, "message not
// delivered" for every message that ends without a Success or
// PartialSuccess ack (Failed, Exhausted, Undeliverable, Abandoned), with
// its id, kind, result, attempts and err; and, at Debug, "re-send failed"
// for each re-send that returned an error. The default discards both.
func WithLogger(l *slog.Logger) Option { return optionFunc(func(c *config) { c.log = l }) }
