package messaging_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/protoack/protoack/messaging"
)

// BenchmarkCoreTrackAck measures Track then a Success ack on a Core alone
// (no locks, no clock reads, a given ID): the protocol's own cost, which
// includes the adaptive timeout (each ack is an RTT sample).
func BenchmarkCoreTrackAck(b *testing.B) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	core, err := messaging.NewCore(t0, messaging.CoreConfig{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	now := t0
	var id messaging.ID
	b.ReportAllocs()
	for i := uint64(1); b.Loop(); i++ {
		binary.LittleEndian.PutUint64(id[:8], i)
		now = now.Add(time.Millisecond)
		if _, err := core.Track(now, messaging.Message{ID: id, Kind: "k"}); err != nil {
			b.Fatal(err)
		}
		lat := time.Duration(i%7) * time.Millisecond // a varying RTT
		if r, _, _ := core.Acknowledge(now.Add(lat), messaging.Ack{ID: id, Status: messaging.StatusSuccess}); r != messaging.AckMatched {
			b.Fatal("ack not matched")
		}
		now = now.Add(lat)
	}
}
