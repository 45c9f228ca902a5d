package middleware

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"github.com/protoack/protoack/middleware/ackpb"
	"google.golang.org/protobuf/proto"
)

// First attempts of tracked messages to an actor in another process go in
// batches (one ackpb.Batch per target) while they come close together, as
// acks back do (ackbatch.go): a message that comes while the target has no
// open batch goes at once, alone, unless it comes less than sendIdle after
// the target's previous one, when it opens a batch; later ones join it. A
// batch is sent when it holds sendMax messages, when no message joined it
// for a tick (sendTick: the sender paused), or sendDelay after it opened
// (Go's timers may add up to about 1 ms when the process is idle). One
// protoactor message then carries the ID prefix and the ack route once,
// and per message its sequence number, its size and its bytes: protoactor
// serialises neither a header map nor a sender PID per message, and the
// receiver unpacks the batch and runs each message through the same path
// as a single one (recvbatch.go). Re-sends, messages with headers or a
// reply-to, and messages to actors in this process never go in a batch,
// nor do messages to an address that has not shown it unpacks batches
// (peers.go). A target's first attempts leave in the order they were sent
// (its lock is held while a batch or a single message is handed to
// protoactor).
const (
	sendMax   = 256
	sendDelay = 500 * time.Microsecond
	sendIdle  = 20 * time.Microsecond
	sendTick  = 50 * time.Microsecond // the timer's period while a batch is open
	// sendMaxBytes bounds a batch's messages, in bytes: more go in further
	// batches, so that a batch stays far below gRPC's message size limit
	// (4 MB by default) wherever its messages alone do.
	sendMaxBytes = 64 << 10
	// sendTargets bounds the targets remembered; beyond it, targets idle
	// for a second are forgotten.
	sendTargets = 1024
	// sentSlots is how many sent batches are remembered, so that a
	// DeadLetterResponse to one ends (or re-sends) each of its messages.
	// A dead letter to an older batch leaves its messages to their
	// timeouts.
	sentSlots = 1024
)

// sendBatchConfig is WithSendBatches' setting; the zero value batches with
// the constants above.
type sendBatchConfig struct {
	off   bool
	local bool // tests: batch to actors in this process too
	max   int
	delay time.Duration
	idle  time.Duration
	tick  time.Duration
	link  link // tests: carries each batch (packet.Msg is the *ackpb.Batch)
}

// WithSendBatches turns the batching of first attempts to other processes
// on (the default) or off. On, a Delivery batches to an address only once
// an ack from it has shown that it unpacks batches, so receivers of an
// earlier version get single messages (see docs/middleware.md, "Wire
// compatibility"); off, it never batches.
func WithSendBatches(on bool) Option {
	return optionFunc(func(c *config) { c.sendBatch.off = !on })
}

// withSendBatching sets the batching's limits, batches to in-process
// targets too, and carries each batch through l when not nil (tests only).
func withSendBatching(max int, delay, idle time.Duration, l link) Option {
	return optionFunc(func(c *config) {
		c.sendBatch = sendBatchConfig{local: true, max: max, delay: delay, idle: idle, tick: delay, link: l}
	})
}

// sendBatcher holds each remote target's open batch.
type sendBatcher struct {
	d      *Delivery
	cfg    sendBatchConfig
	mu     sync.Mutex
	byKey  map[routeKey]*sendTarget
	hot    atomic.Pointer[sendTarget] // the target used last
	closed bool
	sent   []atomic.Pointer[sentBatch] // by the batch's own sequence number

	batches, items atomic.Int64 // sent, for tests and benchmarks
}

// sendTarget is one target's batching state, guarded by its mu.
type sendTarget struct {
	mu     sync.Mutex
	target *actor.PID
	peer   *peer      // its address: whether it unpacks batches
	last   int64      // monotonic ns of the last message sent with no batch open, or of the last full batch
	open   []*pending // the batch being filled
	opened int64      // monotonic ns when it opened
	seen   int        // its length at the timer's last tick
	timer  *time.Timer
	done   bool // closed or forgotten: send singly
}

// sentBatch is a sent batch's messages, by sequence number.
type sentBatch struct {
	seq  uint32 // the batch's own (its envelope Sender's RequestId)
	seqs []uint32
}

func (b *sendBatcher) init(d *Delivery, cfg sendBatchConfig) {
	b.d, b.cfg = d, cfg
	if b.cfg.max <= 0 {
		b.cfg.max = sendMax
	}
	if b.cfg.delay <= 0 {
		b.cfg.delay = sendDelay
	}
	if b.cfg.idle <= 0 {
		b.cfg.idle = sendIdle
	}
	if b.cfg.tick <= 0 {
		b.cfg.tick = sendTick
	}
	b.byKey = make(map[routeKey]*sendTarget)
	b.sent = make([]atomic.Pointer[sentBatch], sentSlots)
}

// sendFirst sends p's first attempt, out, to target through next: in a
// batch when p may go in one, else at once, after the target's open batch.
// The sender middleware calls it (through the test link, when there is
// one).
func (d *Delivery) sendFirst(ctx actor.SenderContext, target *actor.PID, p *pending, out *actor.MessageEnvelope, next actor.SenderFunc) {
	b := &d.sendq
	if b.cfg.off || (!b.cfg.local && target.Address == d.system.Address()) {
		next(ctx, target, out)
		return
	}
	t := b.targetOf(target)
	if t == nil {
		next(ctx, target, out)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if p.header != nil || t.done || !t.peer.batches.Load() {
		// Not for a batch (headers or a reply-to: the full form), after
		// Close, or to an address not known to unpack batches: at once,
		// after what is open.
		b.flush(t)
		next(ctx, target, out)
		return
	}
	if len(t.open) == 0 {
		// The clock is read only when no batch is open: about once a batch.
		at := int64(time.Since(monoBase))
		prev := t.last
		t.last = at
		if prev == 0 || at-prev > int64(b.cfg.idle) {
			next(ctx, target, out) // alone: at once
			return
		}
	} else if [12]byte(t.open[0].id[:12]) != [12]byte(p.id[:12]) {
		b.flush(t) // the ID prefix changed (a wrap): one batch per prefix
	}
	t.open = append(t.open, p)
	switch {
	case len(t.open) >= b.cfg.max:
		b.flush(t)
		t.last = int64(time.Since(monoBase)) // a stream: the next message opens a batch
	case len(t.open) == 1:
		t.opened, t.seen = t.last, 1
		if t.timer == nil {
			t.timer = time.AfterFunc(b.cfg.tick, func() { b.fire(t) })
		} else {
			t.timer.Reset(b.cfg.tick)
		}
	}
}

// targetOf returns target's batching state, or nil after Close.
func (b *sendBatcher) targetOf(target *actor.PID) *sendTarget {
	if t := b.hot.Load(); t != nil && t.target.Id == target.Id && t.target.Address == target.Address {
		return t // the last target used, as in a stream (closed: t.done)
	}
	key := routeKey{target.Address, target.Id}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	t := b.byKey[key]
	if t != nil {
		b.hot.Store(t)
		return t
	}
	if len(b.byKey) >= sendTargets {
		b.forgetIdle()
	}
	t = &sendTarget{target: &actor.PID{Address: target.Address, Id: target.Id}, peer: b.d.peers.of(b.d, target.Address)}
	b.byKey[key] = t
	b.hot.Store(t)
	return t
}

// forgetIdle drops the targets with nothing open and no send for a
// second. b.mu is held.
func (b *sendBatcher) forgetIdle() {
	at := int64(time.Since(monoBase))
	for k, t := range b.byKey {
		t.mu.Lock()
		if len(t.open) == 0 && at-t.last > int64(time.Second) {
			t.done = true
			if t.timer != nil {
				t.timer.Stop()
			}
			delete(b.byKey, k)
			b.hot.CompareAndSwap(t, nil)
		}
		t.mu.Unlock()
	}
}

// fire sends t's open batch (its timer fired) unless messages joined it
// since the last tick and it is younger than the delay: then it looks
// again a tick later.
func (b *sendBatcher) fire(t *sendTarget) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.open) == 0 {
		return
	}
	if age := time.Duration(int64(time.Since(monoBase)) - t.opened); len(t.open) > t.seen && age < b.cfg.delay {
		t.seen = len(t.open)
		t.timer.Reset(min(b.cfg.tick, b.cfg.delay-age))
		return
	}
	b.flush(t)
}

// flush sends t's open batch: one ackpb.Batch (more past sendMaxBytes),
// with a sequence number of its own as the RequestId of its envelope's
// Sender (the ack route), so a DeadLetterResponse names it. A message
// protobuf cannot encode goes alone instead, as protoactor would take it.
// t.mu is held.
func (b *sendBatcher) flush(t *sendTarget) {
	items := t.open
	if len(items) == 0 {
		return
	}
	t.open = nil
	t.timer.Stop()
	if !t.peer.batches.Load() {
		// The address's endpoint terminated while the batch was open: it
		// may come back at an earlier version.
		for _, p := range items {
			b.d.plain.Send(t.target, &p.first)
		}
		return
	}
	for len(items) > 0 {
		items = b.send(t, items)
	}
}

// send sends the first of items as one batch, up to sendMaxBytes of
// messages (the one that reaches it included), and returns the rest.
func (b *sendBatcher) send(t *sendTarget, items []*pending) (rest []*pending) {
	d := b.d
	m := &ackpb.Batch{Prefix: append([]byte(nil), items[0].id[:12]...), Seqs: make([]uint32, 0, len(items)),
		Sizes: make([]uint32, 0, len(items))}
	var types []uint32
	for i, p := range items {
		name, ok := appendMessage(m, p.msg)
		if !ok {
			d.plain.Send(t.target, &p.first)
			continue
		}
		ti := len(m.TypeNames) - 1
		if ti < 0 || m.TypeNames[ti] != name {
			ti = typeIndex(m, name)
		}
		if ti > 0 && types == nil {
			types = make([]uint32, len(m.Seqs), len(items))
		}
		if types != nil {
			types = append(types, uint32(ti))
		}
		m.Seqs = append(m.Seqs, p.seq)
		if len(m.Data) >= sendMaxBytes {
			rest = items[i+1:]
			break
		}
	}
	if len(m.Seqs) == 0 {
		return rest
	}
	m.Types = types
	seq, _, _ := d.ids.take()
	b.sent[seq%sentSlots].Store(&sentBatch{seq: seq, seqs: m.Seqs})
	b.batches.Add(1)
	b.items.Add(int64(len(m.Seqs)))
	env := &actor.MessageEnvelope{Message: m, Sender: &actor.PID{Address: d.system.Address(), Id: d.routeID, RequestId: seq}}
	if b.cfg.link != nil {
		b.cfg.link.carry(packet{Msg: m}, func() { d.plain.Send(t.target, env) })
		return rest
	}
	d.plain.Send(t.target, env)
	return rest
}

// appendMessage appends msg's bytes and size to m, encoded as protoactor
// remote encodes a message (remote.RootSerializable first, then
// serializer 0, protobuf), and returns its type name; ok is false when
// msg is not a protobuf message.
func appendMessage(m *ackpb.Batch, msg any) (name string, ok bool) {
	if v, is := msg.(remote.RootSerializable); is {
		s, err := v.Serialize()
		if err != nil {
			return "", false
		}
		msg = s
	}
	pm, is := msg.(proto.Message)
	if !is {
		return "", false
	}
	n := len(m.Data)
	data, err := proto.MarshalOptions{}.MarshalAppend(m.Data, pm)
	if err != nil {
		return "", false
	}
	m.Data = data
	m.Sizes = append(m.Sizes, uint32(len(data)-n))
	return string(proto.MessageName(pm)), true
}

// typeIndex returns name's index in m.TypeNames, adding it if new.
func typeIndex(m *ackpb.Batch, name string) int {
	for i, n := range m.TypeNames {
		if n == name {
			return i
		}
	}
	m.TypeNames = append(m.TypeNames, name)
	return len(m.TypeNames) - 1
}

// deadLetter handles a DeadLetterResponse to the batch sent with seq as
// its own sequence number: each of its messages is ended (or re-sent, with
// DeadLetterRetry) as a single message would be. It reports whether seq
// was such a batch.
func (b *sendBatcher) deadLetter(seq uint32) bool {
	if b.sent == nil {
		return false
	}
	slot := &b.sent[seq%sentSlots]
	sb := slot.Load()
	if sb == nil || sb.seq != seq {
		return false
	}
	if slot.CompareAndSwap(sb, nil) {
		for _, s := range sb.seqs {
			b.d.deadLetter(s)
		}
	}
	return true
}

// close sends every open batch; later first attempts go singly.
func (b *sendBatcher) close() {
	b.mu.Lock()
	b.closed = true
	all := make([]*sendTarget, 0, len(b.byKey))
	for _, t := range b.byKey {
		all = append(all, t)
	}
	b.mu.Unlock()
	for _, t := range all {
		t.mu.Lock()
		b.flush(t)
		t.done = true
		t.mu.Unlock()
	}
}
