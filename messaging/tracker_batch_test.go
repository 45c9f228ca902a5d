package messaging_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
)

// TestTrackerAcknowledgeAllMatchesOneByOne: AcknowledgeAll, which takes
// each shard's lock once per batch, and AcknowledgeInto, which returns the
// outcomes instead, give every ack the result, and every
// message the outcome, that Acknowledge one ack at a time gives. The
// batches mix statuses (a Failed ack under RetryOnFailure re-arms the
// timer), duplicates, unknown IDs and several acks of one message, and
// are long enough to end more messages per shard than the batch keeps
// outcomes for at once (16) and to pass its 256 precomputed shards.
func TestTrackerAcknowledgeAllMatchesOneByOne(t *testing.T) {
	retry := messaging.WithPolicy("Retry", messaging.Policy{Timeout: time.Second, MaxRetries: 3,
		Backoff: messaging.DefaultBackoff(), RetryOnFailure: true})
	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		one, clkOne, outsOne := newFakeTracker(t, retry, messaging.WithSeed(seed))
		all, clkAll, outsAll := newFakeTracker(t, retry, messaging.WithSeed(seed))
		into, clkInto, outsInto := newFakeTracker(t, retry, messaging.WithSeed(seed))
		var collected []messaging.Outcome // AcknowledgeInto's
		const n = 700
		ids := make([]messaging.ID, n)
		for i := range ids {
			ids[i] = messaging.NewID()
			kind := kindMedium
			if i%5 == 0 {
				kind = "Retry"
			}
			for _, tr := range []*messaging.Tracker{one, all, into} {
				_, err := tr.Track(messaging.Message{ID: ids[i], Kind: kind, Data: i})
				require.NoError(t, err)
			}
		}
		statuses := []messaging.Status{messaging.StatusSuccess, messaging.StatusSuccess, messaging.StatusSuccess,
			messaging.StatusPartialSuccess, messaging.StatusFailed, messaging.StatusRetrying}
		for round := range 3 {
			clkOne.Advance(time.Millisecond)
			clkAll.Advance(time.Millisecond)
			clkInto.Advance(time.Millisecond)
			var acks []messaging.Ack
			for range n {
				id := ids[rng.IntN(n)]
				if rng.IntN(50) == 0 {
					id = messaging.NewID() // unknown
				}
				acks = append(acks, messaging.Ack{ID: id, Status: statuses[rng.IntN(len(statuses))], Reason: "r", Attempt: 1})
			}
			want := make([]messaging.AckResult, len(acks))
			for i, a := range acks {
				want[i] = one.Acknowledge(a)
			}
			got := make([]messaging.AckResult, len(acks))
			all.AcknowledgeAll(acks, got)
			require.Equal(t, want, got, "seed %d round %d", seed, round)
			assert.Equal(t, one.Pending(), all.Pending())
			clear(got)
			collected = into.AcknowledgeInto(collected, acks, got)
			require.Equal(t, want, got, "AcknowledgeInto, seed %d round %d", seed, round)
			assert.Equal(t, one.Pending(), into.Pending())
		}
		byID := func(os []messaging.Outcome) []messaging.Outcome {
			return slices.SortedFunc(slices.Values(os), func(a, b messaging.Outcome) int { return a.Data.(int) - b.Data.(int) })
		}
		require.Equal(t, byID(outsOne.all()), byID(outsAll.all()), "seed %d", seed)
		require.Equal(t, byID(outsOne.all()), byID(collected), "AcknowledgeInto, seed %d", seed)
		assert.Empty(t, outsInto.all(), "AcknowledgeInto's outcomes go to the caller, not the outcome function")
		s1, s2 := one.Summary(), all.Summary()
		assert.Equal(t, s1.DuplicateAcks, s2.DuplicateAcks)
		assert.Equal(t, s1.UnknownAcks, s2.UnknownAcks)
		// The retried failures were re-armed: their re-sends come on time.
		n1, ok1 := clkOne.NextDeadline()
		n2, ok2 := clkAll.NextDeadline()
		assert.Equal(t, ok1, ok2)
		assert.Equal(t, n1, n2)
		all.AcknowledgeAll(nil, nil)
	}
}
