package messaging

import (
	"math/bits"
	"time"
)

// defaultMaxTimeout caps an adaptive ack timeout when the policy sets no
// MaxTimeout (and its Timeout is lower).
const defaultMaxTimeout = time.Minute

// rtoEstimator is one kind's adaptive ack timeout on one core, computed as
// TCP's retransmission timer is (RFC 6298), in integer nanoseconds:
//
//	first sample R:  SRTT = R, RTTVAR = R/2
//	then:            RTTVAR += (|SRTT-R| - RTTVAR)/4;  SRTT += (R - SRTT)/8
//	RTO = SRTT + 4*RTTVAR, rounded up to 3 significant bits (steps of
//	1/16 to 1/8), and changed only when that rises, or falls by more
//	than 1/8.
//
// The rounding and hysteresis keep a kind's timeout steady, so its ack
// deadlines keep arriving in order and its FIFO ackQueue stays in use;
// a fall sends new deadlines to the heap until the queue's tail passes.
// Samples come only from messages acknowledged on their first send and
// never extended by a Retrying ack (Karn's rule: the ack of a re-sent
// message could belong to any of its sends).
type rtoEstimator struct {
	srtt, rttvar int64
	rto          int64 // 0 until the first sample
	samples      uint64
}

func (r *rtoEstimator) sample(rtt int64) {
	rtt = max(rtt, 0)
	if r.samples == 0 {
		r.srtt, r.rttvar = rtt, rtt/2
	} else {
		d := r.srtt - rtt
		if d < 0 {
			d = -d
		}
		r.rttvar += (d - r.rttvar) / 4
		r.srtt += (rtt - r.srtt) / 8
	}
	r.samples++
	if q := roundUp3(r.srtt + 4*r.rttvar); q > r.rto || q < r.rto-r.rto/8 {
		r.rto = q
	}
}

// timeout returns the ack timeout under p: the policy's Timeout, raised to
// the estimate (unless p.FixedTimeout) and capped by p's MaxTimeout.
func (r *rtoEstimator) timeout(p *Policy) int64 {
	t := int64(p.Timeout)
	if r.rto > t && !p.FixedTimeout {
		t = min(r.rto, int64(p.maxTimeout()))
	}
	return t
}

// roundUp3 rounds v up to a number with at most 3 significant bits after
// the leading one (v < 16 is left alone).
func roundUp3(v int64) int64 {
	if v < 16 {
		return v
	}
	e := uint(bits.Len64(uint64(v)) - 4)
	return (v + 1<<e - 1) >> e << e
}
