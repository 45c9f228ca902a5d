package messaging_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
)

func TestIDsAreUniqueV4(t *testing.T) {
	tr, err := messaging.NewTracker()
	require.NoError(t, err)
	defer tr.Close()
	core, err := messaging.NewCore(epoch, messaging.CoreConfig{MaxPending: -1})
	require.NoError(t, err)
	seen := make(map[messaging.ID]bool)
	for i := 0; i < 50000; i++ {
		fromCore, err := core.Track(epoch, messaging.Message{Kind: "k"})
		require.NoError(t, err)
		for _, id := range []messaging.ID{messaging.NewID(), tr.NewID(), fromCore} {
			require.False(t, seen[id], "duplicate ID %v", id)
			seen[id] = true
			u := uuid.UUID(id)
			require.Equal(t, uuid.Version(4), u.Version())
			require.Equal(t, uuid.RFC4122, u.Variant())
			require.False(t, id.IsZero())
		}
	}
	assert.True(t, messaging.ID{}.IsZero())
}

func TestIDRoundTrips(t *testing.T) {
	id := messaging.NewID()
	parsed, err := messaging.ParseID(id.String())
	require.NoError(t, err)
	assert.Equal(t, id, parsed)
	assert.Len(t, id.String(), 36)

	b, err := json.Marshal(struct{ ID messaging.ID }{id})
	require.NoError(t, err)
	assert.JSONEq(t, `{"ID":"`+id.String()+`"}`, string(b))
	var back struct{ ID messaging.ID }
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, id, back.ID)

	var fromText messaging.ID
	txt, err := id.MarshalText()
	require.NoError(t, err)
	require.NoError(t, fromText.UnmarshalText(txt))
	assert.Equal(t, id, fromText)
}

func TestParseIDRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "not-a-uuid", "6ba7b810-9dad-41d1-80b4-00c04fd430c", "zzzzzzzz-9dad-41d1-80b4-00c04fd430c8"} {
		_, err := messaging.ParseID(s)
		require.Error(t, err, "%q", s)
		assert.Contains(t, err.Error(), "parse ID")
	}
	var id messaging.ID
	err := json.Unmarshal([]byte(`"nope"`), &id)
	require.Error(t, err)
	assert.True(t, id.IsZero())
}

// Track (drawing a new ID) and its ack allocate nothing in steady state.
func TestCoreTrackAckAllocatesNothing(t *testing.T) {
	core, err := messaging.NewCore(epoch, messaging.CoreConfig{})
	require.NoError(t, err)
	now := epoch
	allocs := testing.AllocsPerRun(1000, func() {
		now = now.Add(time.Millisecond)
		id, err := core.Track(now, messaging.Message{Kind: "k"})
		if err != nil {
			t.Fatal(err)
		}
		if r, _, _ := core.Acknowledge(now.Add(time.Millisecond), messaging.Ack{ID: id, Status: messaging.StatusSuccess}); r != messaging.AckMatched {
			t.Fatal(r)
		}
	})
	assert.Zero(t, allocs)
}
