package middleware

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// Outcome is how a tracked message ended, naming what was sent: the
// message itself, its kind (Outcome.Kind) and its target. The final ack,
// with the receiver's Reason and Metadata, is in Outcome.Ack.
type Outcome struct {
	messaging.Outcome
	Message any        // the message as sent
	Target  *actor.PID // where it was sent
}

// outcomeQueue hands outcomes to the application on a goroutine of its
// own, in the order they ended, so a slow WithOutcome callback stalls no
// receiver, ack path or timer: outcomes wait in an unbounded queue.
type outcomeQueue struct {
	mu      sync.Mutex
	items   []queuedOutcome
	wake    chan struct{}
	closed  bool
	done    chan struct{}
	deliver func(*Outcome, *actor.PID)
}

type queuedOutcome struct {
	o    Outcome
	self *actor.PID // the sending actor, for WithOutcomesToActor
}

func (q *outcomeQueue) start(deliver func(*Outcome, *actor.PID)) {
	q.deliver, q.wake, q.done = deliver, make(chan struct{}, 1), make(chan struct{})
	go q.run()
}

// push queues o; after close (an ack or give-up racing Close) it hands o
// over on the caller's goroutine instead, so no outcome is lost.
func (q *outcomeQueue) push(o Outcome, self *actor.PID) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		late := o // only this path takes o's address (no heap copy otherwise)
		q.deliver(&late, self)
		return
	}
	wake := len(q.items) == 0 // else the goroutine was woken for the first
	q.items = append(q.items, queuedOutcome{o, self})
	q.mu.Unlock()
	if wake {
		q.signal()
	}
}

// pushAll is push for several outcomes, under one lock.
func (q *outcomeQueue) pushAll(os []queuedOutcome) {
	if len(os) == 0 {
		return
	}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		for i := range os {
			q.deliver(&os[i].o, os[i].self)
		}
		return
	}
	wake := len(q.items) == 0
	q.items = append(q.items, os...)
	q.mu.Unlock()
	if wake {
		q.signal()
	}
}

// handOver is pushAll for a caller that gives up its buffer: when the
// queue is empty the buffer becomes the queue, with no copy. It returns a
// buffer to use next, empty.
func (q *outcomeQueue) handOver(os []queuedOutcome) []queuedOutcome {
	if len(os) == 0 {
		return os
	}
	q.mu.Lock()
	if q.closed || len(q.items) > 0 {
		q.mu.Unlock()
		q.pushAll(os)
		clear(os)
		return os[:0]
	}
	spare := q.items[:0]
	q.items = os
	q.mu.Unlock()
	q.signal()
	return spare
}

// signal wakes the goroutine, unless a wake-up is pending already.
func (q *outcomeQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *outcomeQueue) run() {
	defer close(q.done)
	var batch []queuedOutcome
	for {
		q.mu.Lock()
		batch, q.items = q.items, batch[:0]
		closed := q.closed
		q.mu.Unlock()
		for i := range batch {
			q.deliver(&batch[i].o, batch[i].self)
			batch[i] = queuedOutcome{}
		}
		if len(batch) == 0 && closed {
			return
		}
		if len(batch) == 0 {
			<-q.wake
		}
	}
}

// close delivers what is queued and waits for the goroutine to end.
func (q *outcomeQueue) close() {
	if q.done == nil {
		return
	}
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
	<-q.done
}
