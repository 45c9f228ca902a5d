package messaging

// entry is one pending message. It lives in a slab, addressed by int32, so
// tracking allocates nothing per message in steady state.
type entry struct {
	id       ID
	ks       *kindState
	resend   ResendFunc
	data     any
	start    int64  // Track time, ns since the core's epoch
	deadline int64  // when the current phase ends
	sent     int64  // when the ack phase began: the attempt was sent, or a Retrying ack came
	attempt  int32  // sends made so far
	heapIdx  int32  // position in the deadline heap, or -1; in the free list, the next free slot
	gen      uint32 // bumped whenever the entry leaves an ack queue or its slot is freed
	phase    phase
	extended bool // a Retrying ack extended it: its latency is no RTT sample
}

type phase uint8

const (
	phaseFree     phase = iota
	phaseAwaitAck       // sent; deadline is the ack timeout
	phaseBackoff        // timed out or nacked; deadline is the next re-send
)

const slabChunkBits = 12

// slab is a chunked arena of entries with a free list. Chunks never move,
// so growth copies no entries.
type slab struct {
	chunks [][]entry
	free   int32 // head of the free list, -1 if empty
	used   int32 // slots handed out ever (high-water mark)
}

func newSlab() slab { return slab{free: -1} }

func (s *slab) at(i int32) *entry {
	return &s.chunks[i>>slabChunkBits][i&(1<<slabChunkBits-1)]
}

func (s *slab) alloc() int32 {
	if s.free >= 0 {
		i := s.free
		s.free = s.at(i).heapIdx
		return i
	}
	i := s.used
	if int(i)>>slabChunkBits == len(s.chunks) {
		s.chunks = append(s.chunks, make([]entry, 1<<slabChunkBits))
	}
	s.used++
	return i
}

func (s *slab) release(i int32) {
	e := s.at(i)
	*e = entry{heapIdx: s.free, gen: e.gen + 1}
	s.free = i
}
