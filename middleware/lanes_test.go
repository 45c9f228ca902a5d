package middleware

import (
	"errors"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// TestMailboxFull pins what mailboxFull reads of protoactor: a full
// actor.Bounded mailbox, and an actor.BoundedDropping one at its last free
// slot, are seen as full; either with room, a default mailbox and an
// unknown PID are not.
func TestMailboxFull(t *testing.T) {
	sys := newSystem(t)
	gate := make(chan struct{})
	started := make(chan struct{}, 2)
	hold := func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Work); ok {
			select {
			case started <- struct{}{}:
			default:
			}
			<-gate
		}
	}
	bounded := spawn(t, sys, actor.PropsFromFunc(hold, actor.WithMailbox(actor.Bounded(2))))
	dropping := spawn(t, sys, actor.PropsFromFunc(hold, actor.WithMailbox(actor.BoundedDropping(4))))
	plain := spawn(t, sys, actor.PropsFromFunc(func(actor.Context) {}))
	defer close(gate)
	sys.Root.Send(bounded, &testpb.Work{})
	sys.Root.Send(dropping, &testpb.Work{})
	<-started // each handler holds its first message; the mailboxes are empty
	<-started
	if mailboxFull(sys, bounded) || mailboxFull(sys, dropping) {
		t.Error("an empty bounded mailbox reads as full")
	}
	sys.Root.Send(bounded, &testpb.Work{})
	sys.Root.Send(bounded, &testpb.Work{})
	if !mailboxFull(sys, bounded) {
		t.Fatal("a full Bounded mailbox reads as not full: protoactor's layout changed")
	}
	// A dropping mailbox of 4 keeps 3: its Push takes the oldest out
	// (a blocking Get) once 3 are queued.
	sys.Root.Send(dropping, &testpb.Work{})
	sys.Root.Send(dropping, &testpb.Work{})
	if mailboxFull(sys, dropping) {
		t.Error("a dropping mailbox with 2 of 4 reads as full")
	}
	sys.Root.Send(dropping, &testpb.Work{})
	if !mailboxFull(sys, dropping) {
		t.Fatal("a dropping mailbox at its last free slot reads as not full: protoactor's layout changed")
	}
	if mailboxFull(sys, plain) || mailboxFull(sys, actor.NewPID(sys.Address(), "nobody")) ||
		mailboxFull(sys, actor.NewPID("elsewhere:1", "x")) {
		t.Error("a default mailbox or unknown PID reads as full")
	}
}

// TestResendNeverBlocks: an actor holds its first message for ever and
// its Bounded mailbox is full. Re-sends to it must not block: re-sends to
// another target whose first sends were lost still go out, the stuck
// target's messages end Exhausted, and Close returns with no lane left.
func TestResendNeverBlocks(t *testing.T) {
	sys := newSystem(t)
	out := newOutcomes(10)
	lost := &dropFirst{dropped: map[messaging.ID]bool{}, match: func(p packet) bool {
		w, ok := p.Msg.(*testpb.Work)
		return ok && w.Seq >= 100
	}}
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		WithPolicy(kindWork, fastPolicy(3)), withLinks(lost, nil))
	gate := make(chan struct{})
	started := make(chan struct{}, 1)
	c := newCounter()
	stuck := spawn(t, sys, worker(d, c, func(actor.Context, *testpb.Work) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-gate
	}, actor.WithMailbox(actor.Bounded(2))))
	defer close(gate)
	healthy := spawn(t, sys, worker(d, c, nil))
	root := d.RootContext()
	root.Send(stuck, &testpb.Work{Seq: 0})
	<-started
	root.Send(stuck, &testpb.Work{Seq: 1}) // these two fill the mailbox
	root.Send(stuck, &testpb.Work{Seq: 2})
	for i := range int64(3) {
		root.Send(healthy, &testpb.Work{Seq: 100 + i}) // first sends lost: needs re-sends
	}
	results := map[int64]messaging.Result{}
	for _, o := range out.wait(t, 6) {
		results[o.Message.(*testpb.Work).Seq] = o.Result
	}
	for seq, want := range map[int64]messaging.Result{0: messaging.ResultExhausted, 1: messaging.ResultExhausted, 2: messaging.ResultExhausted,
		100: messaging.ResultSuccess, 101: messaging.ResultSuccess, 102: messaging.ResultSuccess} {
		if results[seq] != want {
			t.Errorf("message %d: %v, want %v", seq, results[seq], want)
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- d.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(testDeadline):
		t.Fatal("Close blocked")
	}
	d.lanes.mu.Lock()
	left := len(d.lanes.byKey)
	d.lanes.mu.Unlock()
	if left != 0 {
		t.Errorf("%d lanes still sending after Close (blocked in protoactor)", left)
	}
	if err := d.lanes.resend(&pending{target: stuck}, 2); !errors.Is(err, errLanesClosed) {
		t.Errorf("re-send after Close: %v", err)
	}
}
