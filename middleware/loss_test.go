package middleware

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// dropFirst is a link that drops the first send of each packet it is told
// to, and counts the drops.
type dropFirst struct {
	mu      sync.Mutex
	match   func(p packet) bool
	dropped map[messaging.ID]bool
}

func (l *dropFirst) carry(p packet, send func()) {
	l.mu.Lock()
	drop := l.match(p) && !l.dropped[p.ID]
	if drop {
		l.dropped[p.ID] = true
	}
	l.mu.Unlock()
	if !drop {
		send()
	}
}

// TestLostMessageAndLostAck: message 0's first send and message 1's first
// ack are lost. Both time out and are re-sent; the receiver processes
// message 1 once and re-acks the re-send from its de-duplication window.
func TestLostMessageAndLostAck(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(2)
	msgs := &dropFirst{dropped: map[messaging.ID]bool{}, match: func(p packet) bool {
		w, ok := p.Msg.(*testpb.Work)
		return ok && w.Seq == 0
	}}
	var ackOf1 sync.Map // the ID of message 1, once sent
	acks := &dropFirst{dropped: map[messaging.ID]bool{}, match: func(p packet) bool {
		_, ok := ackOf1.Load(p.ID)
		return ok
	}}
	tap := &tapLink{next: msgs, seen: func(p packet) {
		if w, ok := p.Msg.(*testpb.Work); ok && w.Seq == 1 {
			ackOf1.Store(p.ID, true)
		}
	}}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithPolicy(kindWork, fastPolicy(3)), withLinks(tap, acks))
	c := newCounter()
	pid := spawn(t, sys, worker(d, c, nil))
	d.RootContext().Send(pid, &testpb.Work{Seq: 0})
	d.RootContext().Send(pid, &testpb.Work{Seq: 1})
	for _, o := range out.wait(t, 2) {
		if o.Result != messaging.ResultSuccess || o.Attempts != 2 {
			t.Errorf("outcome %v after %d attempts (err %v), want Success after 2", o.Result, o.Attempts, o.Err)
		}
	}
	c.checkOnce(t, 2)
	if len(msgs.dropped) != 1 || len(acks.dropped) != 1 {
		t.Errorf("dropped %d messages and %d acks, want 1 and 1", len(msgs.dropped), len(acks.dropped))
	}
}

// tapLink shows each packet to seen, then passes it to next.
type tapLink struct {
	next link
	seen func(packet)
}

func (l *tapLink) carry(p packet, send func()) {
	l.seen(p)
	l.next.carry(p, send)
}

// TestStoppedTarget: a tracked message to a stopped actor, or to a PID
// that never existed, is reported undeliverable at once (protoactor's
// DeadLetterResponse reaches the ack route), not after the policy's
// timeouts; and a message left in a mailbox when its actor stopped (where
// it vanishes) within its first timeout plus one backoff step.
func TestStoppedTarget(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(3)
	pol := messaging.Policy{
		Timeout:    300 * time.Millisecond,
		MaxRetries: 5,
		Backoff:    messaging.Backoff{Base: 100 * time.Millisecond, Multiplier: 2, Max: time.Second},
	}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithPolicy(kindWork, pol))
	c := newCounter()
	pid := sys.Root.Spawn(worker(d, c, nil))
	stop(t, sys, pid)
	root := d.RootContext()

	root.Send(pid, &testpb.Work{Seq: 0})
	root.Send(actor.NewPID(sys.Address(), "no-such-actor"), &testpb.Work{Seq: 1})
	for _, o := range out.wait(t, 2) {
		if o.Result != messaging.ResultUndeliverable || !errors.Is(o.Err, ErrDeadLetter) {
			t.Errorf("outcome %v (%v), want Undeliverable with ErrDeadLetter", o.Result, o.Err)
		}
		if o.Latency >= pol.Backoff.Base {
			t.Errorf("reported after %v, want within one backoff step (%v)", o.Latency, pol.Backoff.Base)
		}
	}

	// Held in a mailbox while its actor stops: it vanishes with the mailbox.
	gate, started := make(chan struct{}), make(chan struct{})
	busy := sys.Root.Spawn(worker(d, c, func(ctx actor.Context, w *testpb.Work) {
		if w.Seq == 2 {
			close(started)
			<-gate
		}
	}))
	root.Send(busy, &testpb.Work{Seq: 2}) // processed, holds the actor
	<-started
	root.Send(busy, &testpb.Work{Seq: 3}) // waits in the mailbox
	f := sys.Root.StopFuture(busy)
	close(gate)
	if _, err := f.Result(); err != nil {
		t.Fatal(err)
	}
	var o Outcome
	for _, x := range out.wait(t, 2) {
		if x.Result != messaging.ResultSuccess { // message 2 succeeds
			o = x
		}
	}
	if o.Result != messaging.ResultUndeliverable || o.Attempts != 2 {
		t.Errorf("vanished message: outcome %v after %d attempts, want Undeliverable after 2", o.Result, o.Attempts)
	}
	if limit := pol.Timeout + pol.Backoff.Base + 200*time.Millisecond; o.Latency > limit {
		t.Errorf("vanished message reported after %v, want under %v", o.Latency, limit)
	}
	if c.get(3) != 0 {
		t.Error("message 3 was processed")
	}
}
