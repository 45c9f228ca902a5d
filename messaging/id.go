package messaging

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"

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

// idFrom draws a v4 ID from a ChaCha8 stream seeded from crypto/rand,
// which is much cheaper per ID than a system call, and allocates nothing
// (uuid.NewRandomFromReader's buffer escapes through io.Reader).
func idFrom(r *rand.ChaCha8) ID {
	var id ID
	binary.LittleEndian.PutUint64(id[:8], r.Uint64())
	binary.LittleEndian.PutUint64(id[8:], r.Uint64())
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // variant RFC 4122
	return id
}

// hash mixes all of id's bytes: random IDs vary everywhere, and IDs made
// of a fixed prefix and a counter (as middleware makes them) in the last
// bytes only. Shards use its high bits and the recent set its low ones.
func (id *ID) hash() uint64 {
	a := binary.LittleEndian.Uint64(id[:8])
	b := binary.LittleEndian.Uint64(id[8:])
	h := (a ^ bits.RotateLeft64(b, 32)) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}
