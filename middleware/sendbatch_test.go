package middleware

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/ackpb"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// batchLink carries batches: drop the first `drop` of them, send every
// one `copies` times; it counts what it saw.
type batchLink struct {
	drop    int64
	copies  int
	seen    atomic.Int64
	items   atomic.Int64
	dropped atomic.Int64 // messages in the batches dropped
}

func (l *batchLink) carry(p packet, send func()) {
	b := p.Msg.(*ackpb.Batch)
	l.items.Add(int64(len(b.Seqs)))
	if l.seen.Add(1) <= l.drop {
		l.dropped.Add(int64(len(b.Seqs)))
		return
	}
	for range max(1, l.copies) {
		send()
	}
}

// sendAll sends Work 0..n-1 to pid through d.Send, with their IDs.
func sendAll(t *testing.T, d *Delivery, pid *actor.PID, n int) []messaging.ID {
	t.Helper()
	ids := make([]messaging.ID, n)
	for i := range ids {
		id, err := d.Send(d.RootContext(), pid, &testpb.Work{Seq: int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return ids
}

// TestBatchInOrder: first attempts that come close together go in one
// batch, after the first, which goes alone; the receiver hands each
// message of the batch to the handler once, in order, with its ID, and
// acks each. (Batching is turned on for in-process targets here; it is
// for remote ones otherwise. The batching limits make the test's batch
// exactly n messages long, whatever the machine's speed.)
func TestBatchInOrder(t *testing.T) {
	const n = 50
	sys := newSystem(t)
	out := newOutcomes(n + 1)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), withSendBatching(n, time.Hour, time.Hour, nil))
	type got struct {
		seq int64
		id  messaging.ID
	}
	seen := make(chan got, 2*n)
	pid := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if w, ok := ctx.Message().(*testpb.Work); ok {
			id, _ := IDOf(ctx)
			seen <- got{w.Seq, id}
		}
	}, d.PropsOption()))
	ids := sendAll(t, d, pid, n+1)
	for i := range int64(n + 1) {
		select {
		case g := <-seen:
			if g.seq != i || g.id != ids[i] {
				t.Fatalf("handled #%d: message %d with ID %v; want message %d with ID %v", i, g.seq, g.id, i, ids[i])
			}
		case <-time.After(testDeadline):
			t.Fatalf("handled %d of %d", i, n+1)
		}
	}
	for _, o := range out.wait(t, n+1) {
		if o.Result != messaging.ResultSuccess || o.Attempts != 1 {
			t.Errorf("message %d: %v after %d attempts, want Success after 1", o.Message.(*testpb.Work).Seq, o.Result, o.Attempts)
		}
	}
	if b, i := d.sendq.batches.Load(), d.sendq.items.Load(); b != 1 || i != n {
		t.Errorf("%d batches of %d messages in all, want 1 of %d", b, i, n)
	}
	if len(seen) != 0 {
		t.Errorf("%d messages handled more than once", len(seen))
	}
}

// TestBatchBytes: a batch holds messages up to sendMaxBytes (the one that
// reaches it included); the rest go in further batches, in order.
func TestBatchBytes(t *testing.T) {
	const n, size = 20, 10_000 // 7 messages pass 64 KiB: batches of 7, 7, 6
	sys := newSystem(t)
	out := newOutcomes(n + 1)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), withSendBatching(n, time.Hour, time.Hour, nil))
	seen := make(chan *testpb.Work, 2*n)
	pid := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if w, ok := ctx.Message().(*testpb.Work); ok {
			seen <- w
		}
	}, d.PropsOption()))
	note := strings.Repeat("x", size)
	for i := range int64(n + 1) {
		if _, err := d.Send(d.RootContext(), pid, &testpb.Work{Seq: i, Note: note}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range int64(n + 1) {
		select {
		case w := <-seen:
			if w.Seq != i || w.Note != note {
				t.Fatalf("handled #%d: message %d with a %d-byte note; want message %d with %d", i, w.Seq, len(w.Note), i, size)
			}
		case <-time.After(testDeadline):
			t.Fatalf("handled %d of %d", i, n+1)
		}
	}
	out.wait(t, n+1)
	if b, i := d.sendq.batches.Load(), d.sendq.items.Load(); b != 3 || i != n {
		t.Errorf("%d batches of %d messages in all, want 3 of %d", b, i, n)
	}
}

// TestBatchDuplicated: a batch that arrives twice is handled once; the
// second copy's messages are re-acked from the de-duplication window.
func TestBatchDuplicated(t *testing.T) {
	const n = 40
	sys := newSystem(t)
	out := newOutcomes(n + 1)
	l := &batchLink{copies: 2}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), withSendBatching(n, time.Hour, time.Hour, l))
	c := newCounter()
	pid := spawn(t, sys, worker(d, c, nil))
	sendAll(t, d, pid, n+1)
	for _, o := range out.wait(t, n+1) {
		if o.Result != messaging.ResultSuccess {
			t.Errorf("message %d: %v", o.Message.(*testpb.Work).Seq, o.Result)
		}
	}
	waitFor(t, "the second copy's re-acks", func() bool { return d.Tracker().Summary().DuplicateAcks >= n })
	c.checkOnce(t, n+1)
	if s := d.Tracker().Summary(); s.DuplicateAcks != n || l.seen.Load() != 1 {
		t.Errorf("%d duplicate acks for %d batches, want %d for 1", s.DuplicateAcks, l.seen.Load(), n)
	}
}

// TestBatchForwardDuplicated: the messages of a batch forwarded by their
// handler keep their IDs and ack routes end to end; when the batch
// arrives again, each message is forwarded again (not handled again) and
// the final handler re-acks it: each actor handles each message once, and
// the second copy's acks are duplicates.
func TestBatchForwardDuplicated(t *testing.T) {
	const n = 30
	sys := newSystem(t)
	out := newOutcomes(n + 1)
	l := &batchLink{copies: 2}
	var mu sync.Mutex
	acked := map[messaging.ID]int{}
	tap := &tapLink{next: passLink{}, seen: func(p packet) { mu.Lock(); acked[p.ID]++; mu.Unlock() }}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), withSendBatching(n, time.Hour, time.Hour, l),
		withLinks(nil, tap))
	front, last := newCounter(), newCounter()
	final := spawn(t, sys, worker(d, last, nil))
	desk := spawn(t, sys, worker(d, front, func(ctx actor.Context, _ *testpb.Work) { ctx.Forward(final) }))
	ids := sendAll(t, d, desk, n+1)
	for _, o := range out.wait(t, n+1) {
		if seq := o.Message.(*testpb.Work).Seq; o.Result != messaging.ResultSuccess || o.ID != ids[seq] {
			t.Errorf("message %d: %v (%v)", seq, o.Result, o.Err)
		}
	}
	waitFor(t, "the second copy's re-acks", func() bool { return d.Tracker().Summary().DuplicateAcks >= n })
	front.checkOnce(t, n+1)
	last.checkOnce(t, n+1)
	if s := d.Tracker().Summary(); s.DuplicateAcks != n || s.UnknownAcks != 0 {
		t.Errorf("%d duplicate acks, %d unknown; want %d and 0", s.DuplicateAcks, s.UnknownAcks, n)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, id := range ids {
		if want := min(i+1, 2); acked[id] != want { // the first went alone, once
			t.Errorf("message %d acked %d times, want %d", i, acked[id], want)
		}
	}
}

// TestBatchLost: when a batch is lost, each of its messages times out and
// is re-sent alone, is handled once, and ends Success; nothing is acked
// that was not handled.
func TestBatchLost(t *testing.T) {
	const n = 30
	sys := newSystem(t)
	out := newOutcomes(n + 1)
	l := &batchLink{drop: 1}
	pol := messaging.Policy{Timeout: 200 * time.Millisecond, MaxRetries: 8,
		Backoff: messaging.Backoff{Base: 10 * time.Millisecond, Multiplier: 2, Max: 80 * time.Millisecond}}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithPolicy(kindWork, pol),
		withSendBatching(n, time.Hour, time.Hour, l))
	c := newCounter()
	pid := spawn(t, sys, worker(d, c, nil))
	sendAll(t, d, pid, n+1)
	for _, o := range out.wait(t, n+1) {
		seq := o.Message.(*testpb.Work).Seq
		if o.Result != messaging.ResultSuccess || (seq > 0 && o.Attempts < 2) {
			t.Errorf("message %d: %v after %d attempts; want Success, re-sent if it was in the lost batch", seq, o.Result, o.Attempts)
		}
	}
	c.checkOnce(t, n+1)
	if l.seen.Load() != 1 || l.items.Load() != n {
		t.Errorf("%d batches (%d messages); want the lost one only, of %d: re-sends go alone", l.seen.Load(), l.items.Load(), n)
	}
}

// TestBatchDeadLetter: a batch to an actor that does not exist becomes
// a dead letter, and each of its messages ends Undeliverable at once,
// as a single message does (the policy's timeout is far beyond the test's
// deadline).
func TestBatchDeadLetter(t *testing.T) {
	const n = 20
	sys := newSystem(t)
	out := newOutcomes(n + 1)
	pol := messaging.Policy{Timeout: time.Hour, Backoff: messaging.Backoff{Base: time.Millisecond, Multiplier: 1, Max: time.Millisecond}}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithPolicy(kindWork, pol),
		withSendBatching(n, time.Hour, time.Hour, nil))
	sendAll(t, d, actor.NewPID(sys.Address(), "nobody-home"), n+1)
	for _, o := range out.wait(t, n+1) {
		if o.Result != messaging.ResultUndeliverable || !errors.Is(o.Err, ErrDeadLetter) {
			t.Errorf("message %d: %v (%v), want Undeliverable", o.Message.(*testpb.Work).Seq, o.Result, o.Err)
		}
	}
	if b := d.sendq.batches.Load(); b != 1 {
		t.Errorf("%d batches, want 1", b)
	}
}

// TestBatchClose: Close sends the open batch before it abandons what is
// pending: every message is handled, and each gets one outcome.
func TestBatchClose(t *testing.T) {
	const n = 30
	sys := newSystem(t)
	out := newOutcomes(n + 1)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), withSendBatching(10*n, time.Hour, time.Hour, nil))
	c := newCounter()
	recv := mustNew(t, sys) // the receiver's own Delivery, open after d's Close
	pid := spawn(t, sys, worker(recv, c, nil))
	sendAll(t, d, pid, n+1)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every message handled", func() bool {
		for i := range int64(n + 1) {
			if c.get(i) == 0 {
				return false
			}
		}
		return true
	})
	c.checkOnce(t, n+1)
	for _, o := range out.wait(t, n+1) {
		if o.Result != messaging.ResultSuccess && o.Result != messaging.ResultAbandoned {
			t.Errorf("message %d: %v", o.Message.(*testpb.Work).Seq, o.Result)
		}
	}
	if out.dup != 0 {
		t.Errorf("%d messages ended twice", out.dup)
	}
}

// TestChaosBatches: TestChaosLossyDelivery's scenario with batches and
// single messages mixed (every fifth message has a header, so goes
// alone); the link's losses, duplicates and delays act on each message.
func TestChaosBatches(t *testing.T) {
	n := min(*chaosN, 4000)
	d := chaos(t, n, true)
	if b, i := d.sendq.batches.Load(), d.sendq.items.Load(); b == 0 || i == 0 {
		t.Errorf("%d batches, %d messages in them: the run did not batch", b, i)
	}
}

// TestRemoteBatches: over protoactor remote to a child process, once the
// ack of a first message has said that the child unpacks batches, first
// attempts go in batches (every seventh message has a header and goes
// alone); the first batch is lost and every other one arrives twice.
// Each message is handled exactly once on the other node, each ends
// Success, the lost batch's messages re-sent alone, and the second copies
// re-acked, not handled.
//
// It runs in a child process of its own (its node is that child's child):
// a second remote in one process races on grpc's global logger (see
// startRemote).
func TestRemoteBatches(t *testing.T) {
	if _, child := ownProcess(t, remoteBatchesEnv); !child {
		return
	}
	const n = 1000
	portA, portB := freePort(t), freePort(t)
	sys, gone := startSender(t, portA)
	out := newOutcomes(n)
	l := &batchLink{drop: 1, copies: 2}
	pol := messaging.Policy{Timeout: 300 * time.Millisecond, MaxRetries: 20,
		Backoff: messaging.Backoff{Base: 20 * time.Millisecond, Multiplier: 2, Max: 200 * time.Millisecond}}
	d, err := New(sys, Track[*testpb.Work](kindWork), WithOutcome(out.add), WithPolicy(kindWork, pol),
		withSendBatching(64, 2*time.Millisecond, time.Hour, l))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	processed := make([]atomic.Int32, n)
	c := startChild(t, portB, sys.Address(), processed)
	target := actor.NewPID("127.0.0.1:"+strconv.Itoa(portB), "worker")
	// The first message goes alone; its ack says the child unpacks batches.
	if _, err := d.Send(d.RootContext(), target, &testpb.Work{Seq: 0}); err != nil {
		t.Fatal(err)
	}
	first := out.wait(t, 1)
	if !d.peers.of(d, target.Address).batches.Load() {
		t.Fatal("the child's ack did not say it unpacks batches")
	}
	for i := 1; i < n; i++ {
		var msg any = &testpb.Work{Seq: int64(i)}
		if i%7 == 3 {
			msg = &actor.MessageEnvelope{Header: map[string]string{"k": "v"}, Message: msg}
		}
		if _, err := d.Send(d.RootContext(), target, msg); err != nil {
			t.Fatal(err)
		}
	}
	lost := 0
	for _, o := range append(first, out.wait(t, n-1)...) {
		if o.Result != messaging.ResultSuccess {
			t.Errorf("message %d: %v (%v)", o.Message.(*testpb.Work).Seq, o.Result, o.Err)
		}
		if o.Attempts > 1 {
			lost++
		}
	}
	twice := uint64(l.items.Load() - l.dropped.Load()) // messages whose batch arrived twice
	waitFor(t, "the second copies' re-acks", func() bool { return d.Tracker().Summary().DuplicateAcks >= twice })
	c.drain(t)
	select { // see TestRemoteRestart: shut down once the child's connection is forgotten
	case <-gone.ch:
	case <-time.After(testDeadline):
		t.Fatal("the child's connection was not closed")
	}
	for i := range n {
		if p := processed[i].Load(); p != 1 {
			t.Errorf("message %d processed %d times", i, p)
		}
	}
	if l.seen.Load() < 2 || int64(lost) < l.dropped.Load() {
		t.Errorf("%d batches, %d messages re-sent: want the first batch lost and others after it", l.seen.Load(), lost)
	}
	t.Logf("%d batches (%d messages), %d re-sent; sender summary:\n%v", l.seen.Load(), l.items.Load(), lost, d.Tracker().Summary())
}

// remoteBatchesEnv marks the child process of TestRemoteBatches.
const remoteBatchesEnv = "PROTOACK_REMOTE_BATCHES"

// TestSendBatchesOff: WithSendBatches(false) sends every message alone.
func TestSendBatchesOff(t *testing.T) {
	const n = 20
	sys := newSystem(t)
	out := newOutcomes(n)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		withSendBatching(4, time.Hour, time.Hour, nil), WithSendBatches(false))
	c := newCounter()
	pid := spawn(t, sys, worker(d, c, nil))
	sendAll(t, d, pid, n)
	for _, o := range out.wait(t, n) {
		if o.Result != messaging.ResultSuccess || o.Attempts != 1 {
			t.Errorf("message %d: %v after %d attempts, want Success after 1", o.Message.(*testpb.Work).Seq, o.Result, o.Attempts)
		}
	}
	c.checkOnce(t, n)
	if b := d.sendq.batches.Load(); b != 0 {
		t.Errorf("%d batches sent, want none", b)
	}
}
