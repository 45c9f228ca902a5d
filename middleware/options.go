package middleware

import (
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/protoack/protoack/messaging"
)

// Option configures a Delivery.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// DeadLetterAction says what a dead-lettered tracked message becomes.
type DeadLetterAction uint8

const (
	// DeadLetterFail ends the message now as messaging.ResultUndeliverable
	// (the default): a stopped local actor does not come back.
	DeadLetterFail DeadLetterAction = iota
	// DeadLetterRetry re-sends after the next backoff step (using a retry),
	// for targets that may come back, such as a remote node restarting.
	DeadLetterRetry
)

type config struct {
	types           []registration
	policies        map[messaging.Kind]messaging.Policy
	tracker         []messaging.Option
	onOutcome       func(Outcome)
	acksToActor     bool
	outcomesToActor bool
	deadLetter      DeadLetterAction
	dedupCount      int
	dedupAge        time.Duration
	dedupOf         *Delivery
	log             *slog.Logger
	sendBatch       sendBatchConfig
	msgLink         link // test-only lossy layer on the message path
	ackLink         link // test-only lossy layer on the ack path
	oldAcks         bool // test-only: acks do not say that this process unpacks batches
	noStreams       bool // WithInProcessStreams(false)
}

type registration struct {
	t    reflect.Type
	kind messaging.Kind
}

func defaultConfig() config {
	return config{
		policies:   map[messaging.Kind]messaging.Policy{},
		dedupCount: 1 << 16,
		dedupAge:   10 * time.Minute,
		log:        slog.New(slog.DiscardHandler),
	}
}

func (c *config) validate() error {
	tracked := make(map[messaging.Kind]bool, len(c.types))
	for _, r := range c.types {
		if r.kind == "" {
			return fmt.Errorf("middleware: Track[%v]: empty kind", r.t)
		}
		tracked[r.kind] = true
	}
	for k, p := range c.policies {
		if !tracked[k] {
			return fmt.Errorf("middleware: WithPolicy(%q): no Track registers kind %q (register the type, Kinded ones too, with Track)", k, k)
		}
		if err := p.Validate(); err != nil {
			return fmt.Errorf("middleware: WithPolicy(%q): %w", k, err)
		}
	}
	for _, o := range c.tracker {
		if messaging.SetsOutcome(o) {
			return fmt.Errorf("middleware: WithTrackerOptions: messaging.WithOutcome would be overridden; use middleware.WithOutcome")
		}
	}
	if c.dedupCount < 1 {
		return fmt.Errorf("middleware: WithDedupWindow: count=%d must be >= 1", c.dedupCount)
	}
	if c.dedupAge <= 0 {
		return fmt.Errorf("middleware: WithDedupWindow: age=%v must be > 0", c.dedupAge)
	}
	return nil
}

// Track registers Go type T (e.g. *orders.Placed) as tracked under kind.
// Types the application does not own can be registered.
func Track[T any](kind messaging.Kind) Option {
	t := reflect.TypeFor[T]()
	return optionFunc(func(c *config) { c.types = append(c.types, registration{t, kind}) })
}

// WithPolicy sets the policy of kind, which a Track must register: New
// rejects a policy for a kind nothing tracks (a typo would otherwise get
// the default policy).
func WithPolicy(kind messaging.Kind, p messaging.Policy) Option {
	return optionFunc(func(c *config) { c.policies[kind] = p })
}

// WithTrackerOptions passes options to the Delivery's messaging.Tracker
// (clock, default policy, metrics, pending cap). New rejects
// messaging.WithOutcome here: use WithOutcome.
func WithTrackerOptions(opts ...messaging.Option) Option {
	return optionFunc(func(c *config) { c.tracker = append(c.tracker, opts...) })
}

// WithOutcome sets the function told of every tracked message's end,
// exactly once per message. It runs on a goroutine of the Delivery's own,
// one outcome at a time in the order they ended, so a slow callback delays
// later outcomes but stalls no actor, ack or timer. Close returns after
// the last outcome was handed over.
func WithOutcome(f func(Outcome)) Option {
	return optionFunc(func(c *config) { c.onOutcome = f })
}

// WithOutcomesToActor also sends each Outcome, as a *Outcome message, to
// the actor that sent the message (not for sends from a root context), so
// the actor can switch on it.
func WithOutcomesToActor() Option { return optionFunc(func(c *config) { c.outcomesToActor = true }) }

// WithAcksToActor also hands each ack, as a messaging.Ack, to the actor
// that sent the message: Retrying and retried Failed acks included. Acks
// to messages sent from a root context are only fed to the tracker.
func WithAcksToActor() Option { return optionFunc(func(c *config) { c.acksToActor = true }) }

// WithDeadLetter sets what a dead-lettered tracked message becomes;
// the default is DeadLetterFail.
func WithDeadLetter(a DeadLetterAction) Option {
	return optionFunc(func(c *config) { c.deadLetter = a })
}

// WithDedupWindow bounds the receiver's memory of processed deliveries: at
// most count (or 256, for a smaller count), the newest, each kept at most
// age (defaults 65536 and 10 minutes). A re-send that arrives after its
// delivery was forgotten is processed again.
func WithDedupWindow(count int, age time.Duration) Option {
	return optionFunc(func(c *config) { c.dedupCount, c.dedupAge = count, age })
}

// WithDedupOf shares prev's de-duplication window instead of starting an
// empty one: for a node restarted in the same process (a new actor system
// on the same address) that must not process again what it processed
// before. Across processes the window is lost; see docs/middleware.md.
func WithDedupOf(prev *Delivery) Option {
	return optionFunc(func(c *config) { c.dedupOf = prev })
}

// WithLogger sets the logger of the Delivery and of its tracker (unless a
// messaging.WithLogger in WithTrackerOptions says otherwise) for rare
// events: give-ups, malformed acks, tracked types arriving untracked. The
// default discards.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.log = l
		}
	})
}
