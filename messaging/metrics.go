package messaging

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// kindStats are one stripe of a kind's counters: plain integers, written
// and read only under the owning shard's lock (a Core alone needs none).
type kindStats struct {
	// rto is the kind's adaptive timeout on the core that owns this
	// stripe: state rather than a metric, kept here because it has the
	// same owner and lock, and Summary reads it. First, so that it shares
	// a cache line with sent and succeeded, which Track and an ack touch.
	rto                                       rtoEstimator
	sent, succeeded, partial, failed, retried uint64
	timeouts, extended, exhausted             uint64
	undeliverable, abandoned                  uint64
	latency                                   histogram
	_                                         [64]byte // no false sharing between stripes
}

// Counts are message counts, for one kind or in total.
type Counts struct {
	Sent          uint64 // messages tracked (first sends)
	Succeeded     uint64 // ended by a Success ack
	Partial       uint64 // ended by a PartialSuccess ack
	Failed        uint64 // ended by a Failed ack
	Retried       uint64 // re-sends made
	Timeouts      uint64 // attempts that got no final ack in time
	Extended      uint64 // Retrying acks that extended a deadline
	Exhausted     uint64 // given up after the last retry
	Undeliverable uint64 // ended by Fail
	Abandoned     uint64 // pending at Close
}

// Acked is the number of messages the receiver processed (Success or PartialSuccess).
func (c Counts) Acked() uint64 { return c.Succeeded + c.Partial }

// Ended is the number of messages that have an Outcome.
func (c Counts) Ended() uint64 {
	return c.Succeeded + c.Partial + c.Failed + c.Exhausted + c.Undeliverable + c.Abandoned
}

// SuccessRate is Acked/Ended (0 when nothing ended).
func (c Counts) SuccessRate() float64 { return ratio(c.Acked(), c.Ended()) }

// FailureRate is (Failed+Exhausted+Undeliverable+Abandoned)/Ended.
func (c Counts) FailureRate() float64 { return ratio(c.Ended()-c.Acked(), c.Ended()) }

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (c *Counts) add(o Counts) {
	c.Sent += o.Sent
	c.Succeeded += o.Succeeded
	c.Partial += o.Partial
	c.Failed += o.Failed
	c.Retried += o.Retried
	c.Timeouts += o.Timeouts
	c.Extended += o.Extended
	c.Exhausted += o.Exhausted
	c.Undeliverable += o.Undeliverable
	c.Abandoned += o.Abandoned
}

func (s *kindStats) counts() Counts {
	return Counts{
		Sent: s.sent, Succeeded: s.succeeded, Partial: s.partial,
		Failed: s.failed, Retried: s.retried, Timeouts: s.timeouts,
		Extended: s.extended, Exhausted: s.exhausted,
		Undeliverable: s.undeliverable, Abandoned: s.abandoned,
	}
}

// KindSummary is one kind's row of a Summary. Latency runs from Track to
// a Success or PartialSuccess ack.
type KindSummary struct {
	Kind    Kind
	Counts  Counts
	Latency LatencySummary
	// Timeout is the ack timeout a send of the kind gets now: the policy's
	// Timeout, or the adaptive one above it (see Policy). A Tracker adapts
	// it per shard; this is the largest.
	Timeout time.Duration
	// SRTT is the smoothed ack latency behind the adaptive timeout (the
	// largest over shards), from RTTSamples first-send acks in all.
	SRTT       time.Duration
	RTTSamples uint64
}

// Summary is a point-in-time copy of a Tracker's metrics.
type Summary struct {
	Totals        Counts
	DuplicateAcks uint64
	UnknownAcks   uint64
	Pending       int
	Kinds         []KindSummary // sorted by kind; kinds with no traffic are left out
}

// summarize adds up every kind's stripes. lock(i) holds stripe i still
// while it is read and returns the function that releases it.
func summarize(reg *kindRegistry, dup, unknown uint64, pending int, lock func(stripe int) func()) Summary {
	s := Summary{DuplicateAcks: dup, UnknownAcks: unknown, Pending: pending}
	kinds := reg.all()
	type sum struct {
		c             Counts
		h             histogram
		timeout, srtt int64
		samples       uint64
	}
	sums := make(map[Kind]*sum, len(kinds))
	for k := range kinds {
		sums[k] = &sum{}
	}
	for i := 0; i < reg.stripes; i++ {
		unlock := lock(i)
		for k, ks := range kinds {
			st, x := &ks.stats[i], sums[k]
			x.c.add(st.counts())
			x.h.merge(&st.latency)
			x.timeout = max(x.timeout, st.rto.timeout(ks.policy.Load()))
			x.srtt = max(x.srtt, st.rto.srtt)
			x.samples += st.rto.samples
		}
		unlock()
	}
	for k, x := range sums {
		if x.c.Sent == 0 && x.c.Ended() == 0 {
			continue
		}
		s.Totals.add(x.c)
		s.Kinds = append(s.Kinds, KindSummary{Kind: k, Counts: x.c, Latency: x.h.summary(),
			Timeout: time.Duration(x.timeout), SRTT: time.Duration(x.srtt), RTTSamples: x.samples})
	}
	slices.SortFunc(s.Kinds, func(a, b KindSummary) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
	return s
}

// Kind returns the row for k, if k had traffic.
func (s Summary) Kind(k Kind) (KindSummary, bool) {
	for _, r := range s.Kinds {
		if r.Kind == k {
			return r, true
		}
	}
	return KindSummary{}, false
}

// String renders the summary as a table.
func (s Summary) String() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "kind\tsent\tacked\tfailed\tretried\ttimeouts\texhausted\tundeliv.\tabandoned\tsuccess\tavg\tp50\tp99\tmax\ttimeout\t")
	row := func(name string, c Counts, l *LatencySummary, timeout time.Duration) {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f%%\t", name, c.Sent, c.Acked(), c.Failed,
			c.Retried, c.Timeouts, c.Exhausted, c.Undeliverable, c.Abandoned, 100*c.SuccessRate())
		if l == nil || l.Count == 0 {
			fmt.Fprint(w, "-\t-\t-\t-\t")
		} else {
			fmt.Fprintf(w, "%v\t%v\t%v\t%v\t", round(l.Avg), round(l.P50), round(l.P99), round(l.Max))
		}
		if timeout == 0 {
			fmt.Fprintln(w, "-\t")
		} else {
			fmt.Fprintf(w, "%v\t\n", round(timeout))
		}
	}
	for i := range s.Kinds {
		k := &s.Kinds[i]
		row(string(k.Kind), k.Counts, &k.Latency, k.Timeout)
	}
	row("TOTAL", s.Totals, nil, 0)
	w.Flush()
	fmt.Fprintf(&b, "pending %d, duplicate acks %d, unknown acks %d\n", s.Pending, s.DuplicateAcks, s.UnknownAcks)
	return b.String()
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(100 * time.Nanosecond)
	}
}
