package middleware

import (
	"sync"

	"github.com/protoack/protoack/messaging"
)

// localAcks applies acks to this Delivery's own route (sender and
// receiver in one process, one Delivery) off the receiving actor: the
// receiver queues the ack and goes on to its next message, and a drain
// goroutine, which exists only while the queue has acks, feeds them to
// the tracker in order, a batch at a time (AcknowledgeInto: a tracker
// shard's lock once per batch), stamping the acks' times (one clock
// reading per batch, not one per ack on the receiving actor). The
// receiving actor, the bottleneck of an in-process stream, so does a third
// less per message. After Close begins, acks are applied by their caller,
// as before.
type localAcks struct {
	d       *Delivery
	mu      sync.Mutex
	acks    []messaging.Ack // queued
	seqs    []uint32        // each queued ack's route RequestId
	spare   []messaging.Ack // the other buffers, kept across drain goroutines
	spareSq []uint32
	ended   []messaging.Outcome // the drain's scratch space
	queued  []queuedOutcome
	running bool
	direct  bool
	wg      sync.WaitGroup
}

// add queues a (which came to the route with RequestId seq), or applies
// it at once after stop.
func (l *localAcks) add(seq uint32, a messaging.Ack) {
	l.mu.Lock()
	if l.direct {
		l.mu.Unlock()
		if a.Time.IsZero() {
			a.Time = now()
		}
		l.d.acknowledge(seq, a)
		return
	}
	l.acks = append(l.acks, a)
	l.seqs = append(l.seqs, seq)
	if !l.running {
		l.running = true
		l.wg.Add(1)
		go l.drain()
	}
	l.mu.Unlock()
}

func (l *localAcks) drain() {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		acks, seqs := l.acks, l.seqs
		if len(acks) == 0 {
			l.running = false
			l.mu.Unlock()
			return
		}
		l.acks, l.seqs = l.spare[:0], l.spareSq[:0]
		l.mu.Unlock()
		t := now() // one clock reading for the batch's unstamped acks
		for i := range acks {
			if acks[i].Time.IsZero() {
				acks[i].Time = t
			}
		}
		if l.d.cfg.acksToActor { // each ack also goes to its sender
			for i := range acks {
				l.d.acknowledge(seqs[i], acks[i])
			}
		} else { // outcomes handed on a batch at a time
			for i := range acks {
				l.d.promoteSeq(seqs[i], acks[i].ID) // a stream record acked by ID
			}
			l.ended = l.d.tracker.AcknowledgeInto(l.ended[:0], acks, nil)
			l.queued = l.d.onOutcomes(l.ended, l.queued)
			clear(l.ended)
		}
		clear(acks) // no references kept
		l.mu.Lock()
		l.spare, l.spareSq = acks[:0], seqs[:0]
		l.mu.Unlock()
	}
}

// stop applies every queued ack and returns when none is left; later
// acks are applied by their caller.
func (l *localAcks) stop() {
	l.mu.Lock()
	l.direct = true
	l.mu.Unlock()
	l.wg.Wait()
}
