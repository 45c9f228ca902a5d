package messaging_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/protoack/protoack/messaging"
)

func TestAckConstructors(t *testing.T) {
	id := messaging.NewID()
	cases := []struct {
		ack    messaging.Ack
		status messaging.Status
		reason string
		final  bool
	}{
		{messaging.Success(id), messaging.StatusSuccess, "", true},
		{messaging.PartialSuccess(id, "3 of 4 nodes"), messaging.StatusPartialSuccess, "3 of 4 nodes", true},
		{messaging.Failed(id, errors.New("gpu lost")), messaging.StatusFailed, "gpu lost", true},
		{messaging.Failed(id, nil), messaging.StatusFailed, "failed", true},
		{messaging.Retrying(id, "still uploading"), messaging.StatusRetrying, "still uploading", false},
	}
	for _, c := range cases {
		assert.Equal(t, id, c.ack.ID)
		assert.Equal(t, c.status, c.ack.Status)
		assert.Equal(t, c.reason, c.ack.Reason)
		assert.Equal(t, c.final, c.ack.Status.Final())
		assert.False(t, c.ack.Time.IsZero(), "%v has a timestamp", c.status)
		assert.Nil(t, c.ack.Metadata)
	}
	assert.Equal(t, 3, messaging.Success(id).WithAttempt(3).Attempt)
	assert.Equal(t, "PartialSuccess", messaging.StatusPartialSuccess.String())
	assert.Equal(t, "Status(9)", messaging.Status(9).String())
	assert.False(t, messaging.StatusUnknown.Final())
}

func TestWithMetadataNeverAliases(t *testing.T) {
	src := map[string]string{"node": "7"}
	a := messaging.Success(messaging.NewID()).WithMetadata(src)
	src["node"] = "changed"
	src["extra"] = "x"
	assert.Equal(t, map[string]string{"node": "7"}, a.Metadata)

	b := a.WithMetadata(map[string]string{"gpu": "0"})
	b.Metadata["node"] = "8"
	assert.Equal(t, map[string]string{"node": "7"}, a.Metadata, "the earlier ack's map is untouched")
	assert.Equal(t, map[string]string{"node": "8", "gpu": "0"}, b.Metadata)
}
