package messaging_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
)

func TestIDsAreUniqueV4(t *testing.T) {
	tr, err := messaging.NewTracker()
	require.NoError(t, err)
	defer tr.Close()
	seen := make(map[messaging.ID]bool)
	for i := 0; i < 50000; i++ {
		for _, id := range []messaging.ID{messaging.NewID(), tr.NewID()} {
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
