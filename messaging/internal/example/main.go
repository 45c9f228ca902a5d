// Command example runs the tracker against a lossy in-process link: each
// message crosses a link that drops some sends and some acks, the tracker
// re-sends what goes unacknowledged, the receiver de-duplicates, and the
// run ends with every outcome and the metrics table.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/messaging"
)

// The example's own kinds: messaging defines none.
const (
	kindOrder messaging.Kind = "Order"
	kindQuote messaging.Kind = "Quote"
)

func main() { cli.Main("example", run) }

// link delivers messages to a receiver goroutine, losing some of them and
// some acks, from a seeded source so runs can be repeated.
type link struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	loss     float64
	inbox    chan delivery
	received map[messaging.ID]int // receiver side: deliveries seen per ID
	out      io.Writer            // the narration; written under mu
}

// printf narrates one event.
func (l *link) printf(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.out, format, a...)
}

type delivery struct {
	id      messaging.ID
	attempt int
	payload string
}

func (l *link) lost() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rnd.Float64() < l.loss
}

func (l *link) send(d delivery) {
	if l.lost() {
		l.printf("  link: lost %s attempt %d\n", d.payload, d.attempt)
		return
	}
	l.inbox <- d
}

func run(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 24, "messages to send")
	loss := fs.Float64("loss", 0.3, "probability that a send or an ack is lost")
	seed := fs.Uint64("seed", 7, "seed of the lossy link")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *loss < 0 || *loss >= 1 {
		return cli.Usagef("-loss %v: must be in [0, 1)", *loss)
	}
	if *n < 0 {
		return cli.Usagef("-n %d: must be >= 0", *n)
	}
	l := &link{rnd: rand.New(rand.NewPCG(*seed, 1)), loss: *loss, inbox: make(chan delivery, 64), received: map[messaging.ID]int{}, out: stdout}
	fast := messaging.Policy{Timeout: 40 * time.Millisecond, MaxRetries: 3,
		Backoff: messaging.Backoff{Base: 10 * time.Millisecond, Multiplier: 2, Max: time.Second}}

	var wg sync.WaitGroup
	var outMu sync.Mutex
	var outs []messaging.Outcome
	wg.Add(*n)
	tr, err := messaging.NewTracker(
		messaging.WithDefaultPolicy(fast),
		messaging.WithPolicy(kindOrder, fast),
		messaging.WithPolicy(kindQuote, fast),
		messaging.WithOutcome(func(o messaging.Outcome) {
			outMu.Lock()
			outs = append(outs, o)
			outMu.Unlock()
			wg.Done()
		}))
	if err != nil {
		return err
	}

	// The receiver processes each ID once and acks every delivery,
	// duplicates included; the ack crosses the lossy link too.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for d := range l.inbox {
			l.received[d.id]++
			if l.received[d.id] > 1 {
				l.printf("  receiver: duplicate %s attempt %d, re-acked\n", d.payload, d.attempt)
			}
			if l.lost() {
				l.printf("  link: lost the ack of %s attempt %d\n", d.payload, d.attempt)
				continue
			}
			tr.Acknowledge(messaging.Success(d.id).WithAttempt(d.attempt))
		}
	}()

	kinds := []messaging.Kind{kindOrder, kindQuote, "Custom"} // Custom gets the default policy
	for i := 0; i < *n; i++ {
		payload := fmt.Sprintf("msg-%02d", i)
		kind := kinds[i%len(kinds)]
		resend := func(id messaging.ID, attempt int) error {
			l.printf("  tracker: re-sending %s (attempt %d)\n", payload, attempt)
			l.send(delivery{id, attempt, payload})
			return nil
		}
		// Register first, then send: an ack can never beat its registration.
		id, err := tr.Track(messaging.Message{Kind: kind, Resend: resend, Data: payload})
		if err != nil {
			return err
		}
		l.send(delivery{id, 1, payload})
	}
	wg.Wait()
	if err := tr.Close(); err != nil {
		return err
	}
	close(l.inbox)
	<-done

	fmt.Fprintln(stdout, "\noutcomes:")
	var delivered int
	for _, o := range outs {
		status := o.Result.String()
		if o.Err != nil {
			status += ": " + o.Err.Error()
		}
		fmt.Fprintf(stdout, "  %s %-24s attempts=%d received=%d %s\n", o.Data, o.Kind, o.Attempts, l.received[o.ID], status)
		if o.Result.Delivered() {
			delivered++
		}
	}
	fmt.Fprintf(stdout, "\n%d of %d delivered, %d reported undelivered, 0 lost silently\n\n", delivered, len(outs), len(outs)-delivered)
	fmt.Fprint(stdout, tr.Summary())
	return nil
}
