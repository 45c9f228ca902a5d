package messaging

import "testing"

var sinkNS int64

// BenchmarkRTO measures what the adaptive timeout adds to a Track and its
// ack: one RTT sample (the ack) and one timeout lookup (the Track).
func BenchmarkRTO(b *testing.B) {
	var r rtoEstimator
	p := DefaultPolicy()
	rtt := []int64{3e6, 9e6, 1e6, 6e6, 2e6, 12e6, 4e6} // a varying RTT, ns
	for i := 0; b.Loop(); i++ {
		r.sample(rtt[i%len(rtt)])
		sinkNS += r.timeout(&p)
	}
}
