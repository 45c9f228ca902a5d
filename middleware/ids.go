package middleware

import (
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"sync/atomic"
	"unsafe"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// A Delivery's message IDs are a random 12-byte prefix of its own followed
// by the message's sequence number, the RequestId of its ack route (4
// bytes, big-endian). So a first attempt can name its ID in the short form
// (HeaderID holding the prefix alone, in a header map shared by every
// message of the Delivery) and the receiver rebuilds the ID from the
// prefix and the ack route's RequestId: no per-message header. Every 2^32
// messages the prefix changes (its last three bytes count the wraps of the
// sequence number), so an ID is never drawn twice.

// shortLen is the length of HeaderID's short form: the base64 prefix.
const shortLen = 16

// idSource hands out sequence numbers and the IDs built from them.
//
// next, which every send writes, has a cache line of its own: receivers
// read short for every message.
type idSource struct {
	_      [64]byte
	next   atomic.Uint64 // high 32 bits: wraps; low: the sequence number
	_      [56]byte
	prefix [12]byte // random, with the v4 UUID bits; bytes 9-11 XOR the wraps
	short  atomic.Pointer[shortHeader]
}

// shortHeader is the header map of first attempts during one wrap.
type shortHeader struct {
	wraps  uint32
	header map[string]string // never changed once published
	// stream has header's content, for first attempts on a stream
	// (stream.go): its identity tells this Delivery's receiver that the
	// message went on a stream; any other receiver reads it as the short
	// form.
	stream map[string]string
	prefix [12]byte // the prefix it names
}

func (s *idSource) init() {
	_, _ = crand.Read(s.prefix[:])
	s.prefix[6] = s.prefix[6]&0x0f | 0x40
	s.prefix[8] = s.prefix[8]&0x3f | 0x80
}

// take returns a fresh non-zero sequence number, the ID made of it, and
// the short headers naming that ID's prefix.
func (s *idSource) take() (seq uint32, id messaging.ID, sh *shortHeader) {
	n := s.next.Add(1)
	for uint32(n) == 0 {
		n = s.next.Add(1)
	}
	seq, wraps := uint32(n), uint32(n>>32)
	copy(id[:12], s.prefix[:])
	id[9] ^= byte(wraps >> 16)
	id[10] ^= byte(wraps >> 8)
	id[11] ^= byte(wraps)
	binary.BigEndian.PutUint32(id[12:], seq)
	sh = s.short.Load()
	if sh == nil || sh.wraps != wraps {
		text := base64.RawURLEncoding.EncodeToString(id[:12])
		sh = &shortHeader{wraps: wraps, header: map[string]string{HeaderID: text},
			stream: map[string]string{HeaderID: text}}
		copy(sh.prefix[:], id[:12])
		s.short.Store(sh)
	}
	return seq, id, sh
}

// id returns the ID of sequence number seq drawn during sh's wrap.
func (sh *shortHeader) id(seq uint32) (id messaging.ID) {
	copy(id[:12], sh.prefix[:])
	binary.BigEndian.PutUint32(id[12:], seq)
	return id
}

// shortID rebuilds the ID of a first attempt from HeaderID's short form
// and its ack route; ok is false when either is not one.
func shortID(text string, route *actor.PID) (id messaging.ID, ok bool) {
	if len(text) != shortLen || route == nil || route.RequestId == 0 {
		return id, false
	}
	if n, err := base64.RawURLEncoding.Decode(id[:12], []byte(text)); err != nil || n != 12 {
		return messaging.ID{}, false
	}
	binary.BigEndian.PutUint32(id[12:], route.RequestId)
	return id, true
}

// ownShortID rebuilds the ID of a first attempt sent by this very idSource
// (a sender and receiver in one process sharing a Delivery): its header
// is the shared short header itself, recognised by identity, so neither
// the header lookup nor the base64 decoding is needed. ok is false for
// any other header.
func (s *idSource) ownShortID(h map[string]string, route *actor.PID) (id messaging.ID, ok bool) {
	sh := s.short.Load()
	if sh == nil || route == nil || route.RequestId == 0 || !sameMap(h, sh.header) {
		return id, false
	}
	return sh.id(route.RequestId), true
}

// sameMap reports whether a and b are the same map (not merely equal).
func sameMap(a, b map[string]string) bool {
	return *(*unsafe.Pointer)(unsafe.Pointer(&a)) == *(*unsafe.Pointer)(unsafe.Pointer(&b))
}
