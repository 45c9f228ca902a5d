package middleware

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// window remembers the deliveries the receiver has processed, with their
// outcome, bounded by count and by age. A delivery is an ID at one
// receiving actor: each routee of a broadcast processes the message once.
//
// IDs are read as a 12-byte prefix and a 4-byte sequence number, as a
// Delivery draws them (ids.go), and deliveries are kept in blocks of 16
// consecutive sequence numbers of one prefix at one receiver: a bit per
// delivery says it is remembered, with the time it was recorded and, while
// it is processed or when its outcome is anything but a plain Success
// (a reason, metadata, another status, a forward), its entry. A stream of
// messages from one sender fills one block after another, so a new
// delivery costs one bit test in a block that is already in the cache
// (the shard's hot block), and a plain Success keeps no entry. Any other
// ID (a random UUID from a foreign sender) works as well, at a block per
// delivery found through the shard's hash map of blocks.
//
// Blocks are spread over 16 shards by prefix and block number, each with
// its lock, its map of blocks and a list of its blocks from least to most
// recently written. A shard keeps at most per deliveries (count/16, at
// least a block's worth): past that it drops its least recently written
// block whole, so it keeps at least per-15 of its newest. A block whose
// last write is older than the age bound is dropped too, and a delivery
// recorded longer ago than the age bound is not found (it is processed
// again). Dropped blocks are reused.
type window struct {
	shards [16]windowShard
	per    int // deliveries per shard, at most
	maxAge int64
	epoch  time.Time // times are kept as nanoseconds since epoch (monoBase: see nanos)
}

// wkey names one delivery: a message ID at one receiving actor.
type wkey struct {
	id   messaging.ID
	recv string // the receiving actor's PID.Id
}

// blockBits is log2 of the sequence numbers a block covers.
const blockBits = 4

// bkey names a block: sequence numbers idx<<blockBits to idx<<blockBits +
// 15 of one ID prefix at one receiver.
type bkey struct {
	prefix [12]byte
	idx    uint32
	recv   string
}

// block holds up to 16 deliveries of one bkey.
type block struct {
	key  bkey
	seen uint16                 // which slots hold a remembered delivery
	at   [1 << blockBits]int64  // when each was recorded
	ents [1 << blockBits]*entry // nil for a remembered plain Success
	last int64                  // the latest write
	prev *block                 // the shard's list, least recent first
	next *block                 // (also links the free list)
}

type windowShard struct {
	mu         sync.Mutex
	blocks     map[bkey]*block
	hot        *block                  // the block used last
	head, tail *block                  // least and most recently written
	n          int                     // deliveries remembered
	free       *block                  // dropped blocks, for reuse
	entries    []entry                 // allocated in chunks, handed out one by one
	envs       []actor.MessageEnvelope // handler envelopes, likewise
	_          [64]byte                // keep shards' locks on separate cache lines
}

// chunk is how many entries (and handler envelopes) one allocation makes.
// A chunk lives while any of its entries is referenced (or envelopes).
const chunk = 64

// entry is one delivery's state. status is messaging.StatusUnknown while
// it is being processed; the fields above the guarded ones are set before
// the entry is published.
type entry struct {
	key     wkey
	attempt int
	route   *actor.PID // where acks go: &routeVal
	// routeVal is a copy of the ack route: the sender's PID may sit in
	// its record of the message, which the window must not keep alive.
	routeVal actor.PID
	blk      *block // where the window keeps it, at slot (while blk.ents[slot] == this)
	slot     uint8

	// Guarded by the shard lock.
	status   messaging.Status
	reason   string
	meta     map[string]string
	fwd      *actor.PID // forwarded here: the next hop owns the ack
	deferred bool       // a Deferred owns the ack

	// Set and read on the handler's goroutine only.
	env    *actor.MessageEnvelope // the envelope the handler gets, to recognise Forward
	reply  Reply                  // set by Reply/Report; Status 0 means Success
	stream *pending               // the stream record, while the delivery is outside the window (streamrecv.go)
}

// reset makes e a fresh entry for attempt of k, as a zero entry would be
// but for routeVal, which is set when route is: field by field, which
// costs less than writing the whole entry.
func (e *entry) reset(k wkey, attempt int) {
	e.key, e.attempt, e.route, e.blk, e.slot = k, attempt, nil, nil, 0
	e.status, e.reason, e.meta, e.fwd, e.deferred = messaging.StatusUnknown, "", nil, nil, false
	e.env, e.reply, e.stream = nil, Reply{}, nil
}

// verdict is what the receiver does with a delivery.
type verdict uint8

const (
	process    verdict = iota // new, or a later attempt after Failed
	reack                     // done before: re-ack the recorded outcome
	inProgress                // being processed now (or deferred): ack Retrying
	reforward                 // forwarded: pass the re-send on to the next hop
)

// done is a delivery's recorded outcome, for a re-ack or re-forward.
type done struct {
	status messaging.Status
	reason string
	meta   map[string]string
	fwd    *actor.PID
}

func newWindow(count int, age time.Duration) *window {
	w := &window{per: max(1<<blockBits, (count+15)/16), maxAge: int64(age), epoch: monoBase}
	for i := range w.shards {
		w.shards[i].blocks = make(map[bkey]*block)
	}
	return w
}

// locate returns k's block key, slot and shard. Consecutive blocks of a
// prefix go to different shards.
func (w *window) locate(k wkey) (bkey, uint8, *windowShard) {
	seq := binary.BigEndian.Uint32(k.id[12:])
	bk := bkey{idx: seq >> blockBits, recv: k.recv}
	copy(bk.prefix[:], k.id[:12])
	h := binary.LittleEndian.Uint32(k.id[0:4]) ^ binary.LittleEndian.Uint32(k.id[8:12]) ^ bk.idx
	h ^= h >> 16
	h ^= h >> 8
	return bk, uint8(seq & (1<<blockBits - 1)), &w.shards[h&15]
}

// block returns bk's block, or nil. s.mu is held.
func (s *windowShard) block(bk bkey) *block {
	if b := s.hot; b != nil && b.key == bk {
		return b
	}
	b := s.blocks[bk]
	if b != nil {
		s.hot = b
	}
	return b
}

// begin decides what to do with attempt of delivery k. With process, e is
// a fresh entry now recorded as in progress, with an empty envelope
// (e.env) for the handler; otherwise d is the recorded outcome (and e the
// entry, unless it was a plain Success).
func (w *window) begin(k wkey, attempt int, route *actor.PID, now time.Time) (v verdict, e *entry, d done) {
	return w.beginWith(k, attempt, route, now, nil)
}

// beginWith is begin, reusing spare (if not nil) as the fresh entry: an
// entry that was released (see settled) and is referenced nowhere else.
func (w *window) beginWith(k wkey, attempt int, route *actor.PID, now time.Time, spare *entry) (v verdict, e *entry, d done) {
	return w.beginAt(k, attempt, route, int64(now.Sub(w.epoch)), spare)
}

// beginAt is beginWith at t, nanoseconds since the window's epoch.
func (w *window) beginAt(k wkey, attempt int, route *actor.PID, t int64, spare *entry) (v verdict, e *entry, d done) {
	bk, slot, s := w.locate(k)
	bit := uint16(1) << slot
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.block(bk)
	if b != nil && b.seen&bit != 0 && t-b.at[slot] <= w.maxAge {
		old := b.ents[slot]
		if old == nil {
			return reack, nil, done{status: messaging.StatusSuccess}
		}
		d = done{old.status, old.reason, old.meta, old.fwd}
		switch {
		case old.fwd != nil:
			return reforward, old, d
		case old.status == messaging.StatusUnknown:
			return inProgress, old, d
		case old.status != messaging.StatusFailed || attempt <= old.attempt:
			return reack, old, d
		}
		// A later attempt after a failure: the sender chose to retry.
	}
	if e = spare; e == nil {
		e = s.newEntry()
	}
	*e = entry{key: k, attempt: attempt}
	if route != nil {
		e.routeVal.Address, e.routeVal.Id, e.routeVal.RequestId = route.Address, route.Id, route.RequestId
		e.route = &e.routeVal
	}
	if len(s.envs) == 0 {
		s.envs = make([]actor.MessageEnvelope, chunk)
	}
	e.env = &s.envs[0]
	s.envs = s.envs[1:]
	s.insert(b, bk, slot, e, t, w)
	return process, e, done{}
}

// insert records e, being processed, at slot of bk's block b (nil: made
// now) at t. s.mu is held.
func (s *windowShard) insert(b *block, bk bkey, slot uint8, e *entry, t int64, w *window) {
	if b == nil {
		b = s.add(bk)
	}
	if bit := uint16(1) << slot; b.seen&bit == 0 {
		b.seen |= bit
		s.n++
	}
	b.at[slot] = t
	e.blk, e.slot = b, slot
	b.ents[slot] = e
	s.written(b, t, w)
}

// adopt records e, a delivery being processed outside the window (taken
// from a stream), as if begin had made it at t.
func (w *window) adopt(e *entry, t int64) {
	bk, slot, s := w.locate(e.key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.insert(s.block(bk), bk, slot, e, t, w)
}

// newEntry hands out an entry from the shard's chunk. s.mu is held.
func (s *windowShard) newEntry() *entry {
	if len(s.entries) == 0 {
		s.entries = make([]entry, chunk)
	}
	e := &s.entries[0]
	s.entries = s.entries[1:]
	return e
}

// add makes bk's block, empty, the shard's hot one. s.mu is held.
func (s *windowShard) add(bk bkey) *block {
	b := s.free
	if b != nil {
		s.free = b.next
		b.next = nil
	} else {
		b = new(block)
	}
	b.key = bk
	s.blocks[bk] = b
	s.hot = b
	return b
}

// written moves b, just written at t, to the end of the shard's list,
// then drops blocks from the front while the shard holds more than its
// share, or the front's last write is older than the age bound. b itself
// stays: it holds at most 16 deliveries, and a shard's share is at least
// that. s.mu is held.
func (s *windowShard) written(b *block, t int64, w *window) {
	b.last = t
	if s.tail != b {
		if b.prev != nil || s.head == b { // in the list: unlink
			s.unlink(b)
		}
		b.prev, b.next = s.tail, nil
		if s.tail != nil {
			s.tail.next = b
		} else {
			s.head = b
		}
		s.tail = b
	}
	for h := s.head; h != b && (s.n > w.per || t-h.last > w.maxAge); h = s.head {
		s.drop(h)
	}
}

// unlink takes b out of the shard's list. s.mu is held.
func (s *windowShard) unlink(b *block) {
	if b.prev != nil {
		b.prev.next = b.next
	} else {
		s.head = b.next
	}
	if b.next != nil {
		b.next.prev = b.prev
	} else {
		s.tail = b.prev
	}
	b.prev, b.next = nil, nil
}

// drop forgets b's deliveries and keeps b for reuse. s.mu is held.
func (s *windowShard) drop(b *block) {
	s.unlink(b)
	delete(s.blocks, b.key)
	if s.hot == b {
		s.hot = nil
	}
	s.n -= bits.OnesCount16(b.seen)
	*b = block{next: s.free}
	s.free = b
}

// settled forgets e's entry, keeping its delivery's bit, once its outcome
// is a plain Success (all a re-ack needs), and reports whether it did:
// then the window no longer references e. s.mu is held.
func settled(e *entry) bool {
	if e.status == messaging.StatusSuccess && e.reason == "" && len(e.meta) == 0 && e.fwd == nil &&
		e.blk != nil && e.blk.ents[e.slot] == e {
		e.blk.ents[e.slot] = nil
		return true
	}
	return false
}

// shardOf returns the shard that keeps e.
func (w *window) shardOf(e *entry) *windowShard {
	_, _, s := w.locate(e.key)
	return s
}

// finish records e's outcome. It returns false, recording nothing, when
// e already has one.
func (w *window) finish(e *entry, status messaging.Status, reason string, meta map[string]string) bool {
	s := w.shardOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.status != messaging.StatusUnknown {
		return false
	}
	e.status, e.reason, e.meta = status, reason, meta
	settled(e)
	return true
}

// finishOwned records e's outcome if the receiver middleware still owns
// its ack (not ended, forwarded or deferred), and reports whether it did,
// and whether the window released e (settled).
func (w *window) finishOwned(e *entry, status messaging.Status, reason string, meta map[string]string) (ok, released bool) {
	s := w.shardOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.status != messaging.StatusUnknown || e.fwd != nil || e.deferred {
		return false, false
	}
	e.status, e.reason, e.meta = status, reason, meta
	return true, settled(e)
}

// handOff records that the ack of e, still being processed, passed to a
// next hop (fwd) or to a Deferred. It returns false when e already ended.
func (w *window) handOff(e *entry, fwd *actor.PID, deferred bool) bool {
	s := w.shardOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.status != messaging.StatusUnknown {
		return false
	}
	if fwd != nil {
		e.fwd = fwd
	}
	e.deferred = e.deferred || deferred
	return true
}

// owned reports whether the receiver middleware still owns e's ack: not
// ended, forwarded or deferred.
func (w *window) owned(e *entry) bool {
	s := w.shardOf(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	return e.status == messaging.StatusUnknown && e.fwd == nil && !e.deferred
}

// find returns k's entry while the window keeps one (being processed,
// forwarded, or ended with more than a plain Success), or nil.
func (w *window) find(k wkey) *entry {
	bk, slot, s := w.locate(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.block(bk); b != nil && b.seen&(1<<slot) != 0 {
		return b.ents[slot]
	}
	return nil
}

// len returns the number of remembered deliveries (expired ones included).
func (w *window) len() int {
	n := 0
	for i := range w.shards {
		s := &w.shards[i]
		s.mu.Lock()
		n += s.n
		s.mu.Unlock()
	}
	return n
}
