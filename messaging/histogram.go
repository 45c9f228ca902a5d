package messaging

import (
	"math/bits"
	"time"
)

// histogram is a log-linear latency histogram: 8 linear sub-buckets per
// power of two, so a quantile is within 1/16 of the truth. It is not safe
// for concurrent use: each is one stripe, written under its shard's lock.
type histogram struct {
	counts [histBuckets]uint64
	n      uint64
	sum    uint64 // nanoseconds
	max    uint64
}

const histBuckets = 62*8 + 8

func histBucket(v uint64) int {
	if v < 8 {
		return int(v)
	}
	e := bits.Len64(v) // >= 4
	return (e-3)*8 + int((v>>(e-4))&7)
}

// histLower and histUpper bound bucket b: [lower, upper).
func histLower(b int) uint64 {
	if b < 8 {
		return uint64(b)
	}
	e, m := b/8+3, uint64(b%8)
	return (8 + m) << (e - 4)
}

func histUpper(b int) uint64 {
	if b < 8 {
		return uint64(b) + 1
	}
	e := b/8 + 3
	return histLower(b) + 1<<(e-4)
}

func (h *histogram) record(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[histBucket(v)]++
	h.n++
	h.sum += v
	h.max = max(h.max, v)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// LatencySummary describes a latency distribution.
type LatencySummary struct {
	Count         uint64
	Avg, P50, P99 time.Duration
	Max           time.Duration
}

func (h *histogram) summary() LatencySummary {
	s := LatencySummary{Count: h.n, Max: time.Duration(h.max)}
	if h.n == 0 {
		return s
	}
	s.Avg = time.Duration(h.sum / h.n)
	s.P50 = quantile(&h.counts, h.n, 0.50, s.Max)
	s.P99 = quantile(&h.counts, h.n, 0.99, s.Max)
	return s
}

func quantile(counts *[histBuckets]uint64, n uint64, q float64, maxv time.Duration) time.Duration {
	rank := uint64(q*float64(n) + 0.5)
	rank = min(max(rank, 1), n)
	var cum uint64
	for b, c := range counts {
		cum += c
		if cum >= rank {
			mid := time.Duration((histLower(b) + histUpper(b)) / 2)
			return min(mid, maxv)
		}
	}
	return maxv
}
