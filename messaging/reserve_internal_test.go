package messaging

import (
	"errors"
	"testing"
)

// A message handed over while Close is under way, its shard closed but
// the Tracker not yet marked (the window TestReserveRacingClose only hits
// by chance), is reported Abandoned once, as Close reports pending ones.
func TestTrackReservedIntoAClosedShard(t *testing.T) {
	var outs []Outcome
	tr, err := NewTracker(WithShards(1), WithOutcome(func(o Outcome) { outs = append(outs, o) }))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Reserve(); err != nil {
		t.Fatal(err)
	}
	s := &tr.shards[0]
	s.mu.Lock()
	s.closed = true // what Close does to each shard in turn
	s.mu.Unlock()
	id := tr.NewID()
	if err := tr.TrackReserved(Message{ID: id, Kind: "k", Data: 7}, tr.Elapsed()); !errors.Is(err, ErrClosed) {
		t.Fatalf("TrackReserved into a closed shard: %v, want ErrClosed", err)
	}
	if len(outs) != 1 || outs[0].ID != id || outs[0].Result != ResultAbandoned ||
		!errors.Is(outs[0].Err, ErrAbandoned) || outs[0].Attempts != 1 || outs[0].Data != 7 {
		t.Fatalf("outcomes %+v, want one Abandoned for %v with its Data", outs, id)
	}
	if n := tr.Pending(); n != 0 {
		t.Fatalf("Pending %d, want 0", n)
	}
}
