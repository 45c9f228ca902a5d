package messaging

import (
	"fmt"

	"github.com/google/uuid"
)

// ID is a message correlation ID: a random (version 4) UUID. The zero ID
// means "untracked".
type ID uuid.UUID

// NewID returns a random ID from crypto/rand.
func NewID() ID { return ID(uuid.New()) }

// ParseID parses the canonical 36-character form (other forms uuid.Parse
// accepts are also taken).
func ParseID(s string) (ID, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return ID{}, fmt.Errorf("messaging: parse ID %q: %w", s, err)
	}
	return ID(u), nil
}

// IsZero reports whether id is the zero (untracked) ID.
func (id ID) IsZero() bool { return id == ID{} }

// String returns the canonical form, e.g. "6ba7b810-9dad-41d1-80b4-00c04fd430c8".
func (id ID) String() string { return uuid.UUID(id).String() }

// MarshalText implements encoding.TextMarshaler (and so JSON).
func (id ID) MarshalText() ([]byte, error) { return uuid.UUID(id).MarshalText() }

// UnmarshalText implements encoding.TextUnmarshaler (and so JSON).
func (id *ID) UnmarshalText(b []byte) error {
	var u uuid.UUID
	if err := u.UnmarshalText(b); err != nil {
		return fmt.Errorf("messaging: parse ID %q: %w", b, err)
	}
	*id = ID(u)
	return nil
}

// idSource draws v4 IDs from a reader, e.g. a ChaCha8 stream seeded from
// crypto/rand, which is much cheaper per ID than a system call.
func idFromReader(r interface{ Read([]byte) (int, error) }) (ID, error) {
	u, err := uuid.NewRandomFromReader(r)
	return ID(u), err
}
