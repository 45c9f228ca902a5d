package messaging_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/protoack/protoack/messaging"
)

var sinkID messaging.ID

// benchKind has the default policy (5 s, 3 retries).
const benchKind messaging.Kind = "Bench"

// BenchmarkTrackAck measures one Track followed by its Success ack on the
// real clock, the hot path of every tracked message.
func BenchmarkTrackAck(b *testing.B) {
	tr, err := messaging.NewTracker()
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	resend := func(messaging.ID, int) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		id, err := tr.Track(messaging.Message{Kind: benchKind, Resend: resend})
		if err != nil {
			b.Fatal(err)
		}
		if tr.Acknowledge(messaging.Ack{ID: id, Status: messaging.StatusSuccess}) != messaging.AckMatched {
			b.Fatal("ack not matched")
		}
		sinkID = id
	}
}

// BenchmarkTrackAckParallel is BenchmarkTrackAck from GOMAXPROCS goroutines.
func BenchmarkTrackAckParallel(b *testing.B) {
	tr, err := messaging.NewTracker()
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id, err := tr.Track(messaging.Message{Kind: benchKind})
			if err != nil {
				b.Fatal(err)
			}
			tr.Acknowledge(messaging.Ack{ID: id, Status: messaging.StatusSuccess})
		}
	})
}

// BenchmarkAcknowledgePending measures Acknowledge alone with 1 and with
// 1M other messages pending: with a hash index and a deadline heap it
// grows no faster than log n (plus cache misses).
func BenchmarkAcknowledgePending(b *testing.B) {
	for _, pending := range []int{1, 1000, 1_000_000} {
		// One tracker per size, filled once and shared by every b.N round.
		tr, err := messaging.NewTracker(messaging.WithMaxPending(0), messaging.WithPolicy("long", messaging.Policy{
			Timeout: time.Hour, MaxRetries: 1, Backoff: messaging.DefaultBackoff()}))
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < pending; i++ {
			if _, err := tr.Track(messaging.Message{Kind: "long"}); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprintf("pending=%d", pending), func(b *testing.B) {
			const batch = 1 << 14
			ids := make([]messaging.ID, batch)
			refill := func() {
				for i := range ids {
					ids[i], _ = tr.Track(messaging.Message{Kind: "long"})
				}
			}
			refill()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%batch == 0 && i > 0 {
					b.StopTimer()
					refill()
					b.StartTimer()
				}
				tr.Acknowledge(messaging.Ack{ID: ids[i%batch], Status: messaging.StatusSuccess})
			}
			b.StopTimer()
			for _, id := range ids[b.N%batch:] {
				tr.Acknowledge(messaging.Ack{ID: id, Status: messaging.StatusSuccess})
			}
		})
		tr.Close()
	}
}

// BenchmarkMemoryPerPending reports heap bytes per pending message
// (payload excluded: the messages carry no Data and share one Resend).
func BenchmarkMemoryPerPending(b *testing.B) {
	const n = 1_000_000
	resend := func(messaging.ID, int) error { return nil }
	for b.Loop() {
		tr, err := messaging.NewTracker(messaging.WithMaxPending(0))
		if err != nil {
			b.Fatal(err)
		}
		before := heapInUse()
		for i := 0; i < n; i++ {
			if _, err := tr.Track(messaging.Message{Kind: benchKind, Resend: resend}); err != nil {
				b.Fatal(err)
			}
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/n, "B/pending")
		runtime.KeepAlive(tr)
		tr.Close()
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkDeadlineLateness tracks 1000 messages per round on the real
// clock, never acknowledges them, and reports how late their re-sends
// fire against the schedule (timeout 10 ms, then a 1 ms backoff): the
// average, the 99th percentile and the worst.
func BenchmarkDeadlineLateness(b *testing.B) {
	const n = 1000
	p := messaging.Policy{Timeout: 10 * time.Millisecond, MaxRetries: 1,
		Backoff: messaging.Backoff{Base: time.Millisecond, Multiplier: 2, Max: time.Second}}
	var all []time.Duration
	for b.Loop() {
		tr, err := messaging.NewTracker(messaging.WithPolicy("p", p))
		if err != nil {
			b.Fatal(err)
		}
		late := make(chan time.Duration, n)
		for i := 0; i < n; i++ {
			due := time.Now().Add(11 * time.Millisecond)
			if _, err := tr.Track(messaging.Message{Kind: "p", Resend: func(messaging.ID, int) error {
				late <- time.Since(due)
				return nil
			}}); err != nil {
				b.Fatal(err)
			}
		}
		for i := 0; i < n; i++ {
			all = append(all, <-late)
		}
		tr.Close()
	}
	slices.Sort(all)
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(ms(sum/time.Duration(len(all))), "avg-late-ms")
	b.ReportMetric(ms(all[len(all)*99/100]), "p99-late-ms")
	b.ReportMetric(ms(all[len(all)-1]), "worst-late-ms")
}
