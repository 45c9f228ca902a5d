package middleware

import (
	"bytes"
	"encoding/binary"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/ackpb"
)

// Final acks to an ack route in another process go in batches (one
// ackpb.Acks per route) while they come close together: an ack less than
// batchIdle after the route's previous one opens a batch, or joins the
// open one, which is sent when it holds batchMax acks or batchDelay after
// it opened (Go's timers make that up to about 1 ms when the process is
// idle). One remote message carries many acks, as Akka's reliable
// delivery confirms in batches, and an ack that comes alone (one message
// at a time) goes at once. Acks in-process need no batch (they are a
// function call), and Retrying acks go at once.
const (
	batchMax   = 256
	batchDelay = 500 * time.Microsecond
	batchIdle  = 20 * time.Microsecond
	// batchRoutes bounds the routes remembered; beyond it, routes idle
	// for a second are forgotten.
	batchRoutes = 1024
)

// ackBatcher holds the open batch of each remote route, and when each
// route last had an ack.
type ackBatcher struct {
	d      *Delivery
	mu     sync.Mutex
	open   map[routeKey]*ackBatch
	last   map[routeKey]int64 // UnixNano of the route's last ack
	closed bool
	// The route of the last ack, kept out of the maps while it stays the
	// same (a stream from one sender): its last ack's time (last holds an
	// older one) and its open batch (nil when none).
	hot     routeKey
	hotOK   bool
	hotLast int64
	hotOpen *ackBatch
	delay   time.Duration // batchDelay when 0 (tests change it)
}

type routeKey struct{ address, id string }

// ackBatch is one route's batch being filled; at is when each compact
// ack was made (UnixNano), for its age.
type ackBatch struct {
	key   routeKey
	m     *ackpb.Acks
	at    []int64
	timer *time.Timer
}

// add puts a, for route, into route's batch, and sends the batch when full.
func (b *ackBatcher) add(route *actor.PID, a messaging.Ack) {
	key := routeKey{route.Address, route.Id}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.d.plain.Send(copyPID(route), b.d.wireAck(a)) // after Close: unbatched
		return
	}
	if b.open == nil {
		b.open, b.last = make(map[routeKey]*ackBatch), make(map[routeKey]int64)
	}
	at := a.Time.UnixNano()
	var bt *ackBatch
	var prev int64
	seen := b.hotOK && key == b.hot
	if seen {
		bt, prev = b.hotOpen, b.hotLast
	} else {
		if b.hotOK {
			b.last[b.hot] = b.hotLast
		}
		bt = b.open[key]
		prev, seen = b.last[key]
		if !seen && len(b.last) >= batchRoutes {
			for k, t := range b.last {
				if at-t > int64(time.Second) && b.open[k] == nil {
					delete(b.last, k)
				}
			}
		}
		b.hot, b.hotOK, b.hotOpen = key, true, bt
	}
	b.hotLast = at
	if bt == nil && (!seen || at-prev > int64(batchIdle)) {
		b.mu.Unlock()
		b.d.plain.Send(copyPID(route), b.d.wireAck(a)) // alone: at once
		return
	}
	if bt == nil {
		bt = &ackBatch{key: key, m: &ackpb.Acks{}}
		b.open[key] = bt
		b.hotOpen = bt
		delay := b.delay
		if delay == 0 {
			delay = batchDelay
		}
		bt.timer = time.AfterFunc(delay, func() { b.flush(bt) })
	}
	id := a.ID
	switch {
	case a.Status != messaging.StatusSuccess || a.Reason != "" || len(a.Metadata) > 0:
		bt.m.Full = append(bt.m.Full, toProto(a))
	case len(bt.m.Seqs) == 0 && len(bt.m.Prefix) == 0:
		bt.m.Prefix = append([]byte(nil), id[:12]...)
		fallthrough
	case bytes.Equal(bt.m.Prefix, id[:12]):
		bt.m.Seqs = append(bt.m.Seqs, binary.BigEndian.Uint32(id[12:]))
		bt.m.Attempts = append(bt.m.Attempts, uint32(a.Attempt))
		bt.at = append(bt.at, at)
	default:
		bt.m.Full = append(bt.m.Full, toProto(a))
	}
	var full *ackBatch
	if len(bt.m.Seqs)+len(bt.m.Full) >= batchMax {
		full = b.take(bt)
	}
	b.mu.Unlock()
	if full != nil {
		b.send(full)
	}
}

// copyPID returns a copy of pid: protoactor remote holds the PID it is
// given until its endpoint writer has sent the message, and the caller's
// (a window entry's) may be reused meanwhile.
func copyPID(pid *actor.PID) *actor.PID {
	return &actor.PID{Address: pid.Address, Id: pid.Id, RequestId: pid.RequestId}
}

// take closes bt: it is no longer open, nor its timer armed. It returns
// bt, or nil when bt was taken already. b.mu is held.
func (b *ackBatcher) take(bt *ackBatch) *ackBatch {
	if b.open[bt.key] != bt {
		return nil
	}
	delete(b.open, bt.key)
	if b.hotOpen == bt {
		b.hotOpen = nil
	}
	bt.timer.Stop()
	return bt
}

// flush sends bt, if still open (its timer fired).
func (b *ackBatcher) flush(bt *ackBatch) {
	b.mu.Lock()
	bt = b.take(bt)
	b.mu.Unlock()
	if bt != nil {
		b.send(bt)
	}
}

// flushRoute sends route's open batch now, if there is one: the acks of a
// batch of messages (recvbatch.go) go back together once the batch is
// processed, not on the timer.
func (b *ackBatcher) flushRoute(route *actor.PID) {
	key := routeKey{route.Address, route.Id}
	b.mu.Lock()
	var bt *ackBatch
	if open := b.open[key]; open != nil {
		bt = b.take(open)
	}
	b.mu.Unlock()
	if bt != nil {
		b.send(bt)
	}
}

// send sends a closed batch to its route, stamping the ages.
func (b *ackBatcher) send(bt *ackBatch) {
	now := now().UnixNano()
	bt.m.UnixNano = now
	bt.m.Batches = !b.d.cfg.oldAcks
	bt.m.AgeMicros = make([]uint32, len(bt.at))
	for i, t := range bt.at {
		bt.m.AgeMicros[i] = uint32(max(0, now-t) / 1e3)
	}
	b.d.plain.Send(&actor.PID{Address: bt.key.address, Id: bt.key.id}, bt.m)
}

// close sends every open batch; later acks go unbatched.
func (b *ackBatcher) close() {
	b.mu.Lock()
	b.closed = true
	var all []*ackBatch
	for _, bt := range b.open {
		all = append(all, b.take(bt))
	}
	b.mu.Unlock()
	for _, bt := range all {
		b.send(bt)
	}
}

// ackBufs holds the slices onAcks hands to the tracker.
var ackBufs = sync.Pool{New: func() any { return new([]messaging.Ack) }}

// onAcks feeds a batch of acks to the tracker.
func (d *Delivery) onAcks(m *ackpb.Acks) {
	var id messaging.ID
	if m.GetBatches() {
		d.heardAcks(m)
	}
	if len(m.GetPrefix()) == 12 && len(m.GetAttempts()) == len(m.GetSeqs()) && len(m.GetAgeMicros()) == len(m.GetSeqs()) {
		copy(id[:12], m.GetPrefix())
		// Without WithAcksToActor the acks go to the tracker at once.
		together := !d.cfg.acksToActor
		var buf *[]messaging.Ack
		if together {
			buf = ackBufs.Get().(*[]messaging.Ack)
		}
		for i, seq := range m.GetSeqs() {
			binary.BigEndian.PutUint32(id[12:], seq)
			a := messaging.Ack{ID: id, Status: messaging.StatusSuccess, Attempt: int(m.Attempts[i]),
				Time: time.Unix(0, m.GetUnixNano()-int64(m.AgeMicros[i])*1e3)}
			if together {
				*buf = append(*buf, a)
				continue
			}
			d.acknowledge(seq, a)
		}
		if together {
			d.tracker.AcknowledgeAll(*buf, nil) // copies what it keeps
			*buf = (*buf)[:0]
			ackBufs.Put(buf)
		}
	} else if len(m.GetSeqs()) > 0 {
		d.cfg.log.Debug("protoack: malformed ack batch dropped", "len(prefix)", len(m.GetPrefix()))
	}
	for _, f := range m.GetFull() {
		a, ok := fromProto(f)
		if !ok {
			d.cfg.log.Debug("protoack: malformed ack dropped", "len(id)", len(f.GetId()))
			continue
		}
		d.acknowledge(binary.BigEndian.Uint32(a.ID[12:]), a)
	}
}
