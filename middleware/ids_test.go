package middleware

import (
	"reflect"
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

// seen is what a handler saw of one tracked message.
type seen struct {
	idText string       // HeaderID as the handler's context shows it
	id     messaging.ID // IDOf
	ok     bool         // IDOf's second result
	wire   uintptr      // the received header map, as the outer middleware saw it
	keys   int          // its number of keys
	err    error        // Report's
	seq    int64        // the message's Seq
	sent   messaging.ID // the ID Send returned
}

// shortFormRun sends n tracked messages with d.Send to an actor built by
// props(outer, handle) and returns what its handler saw, by Seq.
func shortFormRun(t *testing.T, n int, props func(d *Delivery, outer actor.ReceiverMiddleware, handle actor.ReceiveFunc) *actor.Props) ([]seen, []Outcome) {
	t.Helper()
	sys := newSystem(t)
	out := newOutcomes(n)
	d := mustNew(t, sys, Track[*testpb.Work](kindWork), WithOutcome(out.add))
	var mu sync.Mutex
	wire := map[int64]uintptr{}
	keys := map[int64]int{}
	got := make([]seen, n)
	outer := func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(ctx actor.ReceiverContext, env *actor.MessageEnvelope) {
			if w, ok := env.Message.(*testpb.Work); ok {
				mu.Lock()
				wire[w.Seq], keys[w.Seq] = reflect.ValueOf(env.Header).Pointer(), len(env.Header)
				mu.Unlock()
			}
			next(ctx, env)
		}
	}
	handle := func(ctx actor.Context) {
		w, ok := ctx.Message().(*testpb.Work)
		if !ok {
			return
		}
		s := &got[w.Seq]
		s.seq, s.idText = w.Seq, ctx.MessageHeader().Get(HeaderID)
		s.id, s.ok = IDOf(ctx)
		s.err = d.Report(ctx, messaging.StatusPartialSuccess, "seen")
	}
	pid := spawn(t, sys, props(d, outer, handle))
	sent := make([]messaging.ID, n)
	for i := range n {
		id, err := d.Send(d.RootContext(), pid, &testpb.Work{Seq: int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		sent[i] = id
	}
	outs := out.wait(t, n)
	mu.Lock()
	defer mu.Unlock()
	for i := range got {
		got[i].sent, got[i].wire, got[i].keys = sent[i], wire[int64(i)], keys[int64(i)]
	}
	return got, outs
}

// TestShortFormFirstAttempt: a first attempt carries its ID in the short
// form, in one header map shared by every message of the Delivery (no
// per-message header); with PropsOption the handler still gets the ID
// from IDOf, and Report works.
func TestShortFormFirstAttempt(t *testing.T) {
	got, outs := shortFormRun(t, 3, func(d *Delivery, outer actor.ReceiverMiddleware, h actor.ReceiveFunc) *actor.Props {
		return actor.PropsFromFunc(h, actor.WithReceiverMiddleware(outer), d.PropsOption())
	})
	for _, s := range got {
		if len(s.idText) != shortLen || s.keys != 1 {
			t.Errorf("message %d: header ID %q in %d keys, want the %d-character short form alone", s.seq, s.idText, s.keys, shortLen)
		}
		if s.wire != got[0].wire {
			t.Errorf("message %d: a header map of its own, want the Delivery's shared one", s.seq)
		}
		if !s.ok || s.id != s.sent || s.err != nil {
			t.Errorf("message %d: IDOf %v %v, Report %v; want %v, true, nil", s.seq, s.id, s.ok, s.err, s.sent)
		}
	}
	for _, o := range outs {
		if o.Result != messaging.ResultPartialSuccess {
			t.Errorf("outcome %v, want PartialSuccess (Report)", o.Result)
		}
	}
}

// TestShortFormHandMadeChain: without PropsOption's context decorator (a
// hand-made chain), the handler's envelope gets the full ID, so IDOf and
// Report work as well.
func TestShortFormHandMadeChain(t *testing.T) {
	got, outs := shortFormRun(t, 3, func(d *Delivery, outer actor.ReceiverMiddleware, h actor.ReceiveFunc) *actor.Props {
		return actor.PropsFromFunc(h, actor.WithReceiverMiddleware(outer, d.ReceiverMiddleware()),
			actor.WithSenderMiddleware(d.SenderMiddleware()))
	})
	for _, s := range got {
		if s.idText != s.sent.String() {
			t.Errorf("message %d: handler's header ID %q, want the full form %q", s.seq, s.idText, s.sent)
		}
		if !s.ok || s.id != s.sent || s.err != nil {
			t.Errorf("message %d: IDOf %v %v, Report %v; want %v, true, nil", s.seq, s.id, s.ok, s.err, s.sent)
		}
	}
	for _, o := range outs {
		if o.Result != messaging.ResultPartialSuccess {
			t.Errorf("outcome %v, want PartialSuccess (Report)", o.Result)
		}
	}
}

// TestIDsAcrossWrap: sequence numbers skip 0, the IDs around a wrap of the
// 32-bit sequence number are all distinct, the short header changes with
// the wrap, and the receiver rebuilds each ID from its short form and its
// ack route's RequestId.
func TestIDsAcrossWrap(t *testing.T) {
	var s idSource
	s.init()
	s.next.Store(1<<32 - 3)
	ids := map[messaging.ID]bool{}
	headers := map[uintptr]bool{}
	for range 6 {
		seq, id, sh := s.take()
		h := sh.header
		if len(sh.stream) != 1 || sh.stream[HeaderID] != h[HeaderID] || sameMap(sh.stream, h) {
			t.Errorf("stream header %v: want the short header's content in a map of its own", sh.stream)
		}
		if seq == 0 {
			t.Fatal("sequence number 0")
		}
		if ids[id] {
			t.Fatalf("ID %v drawn twice", id)
		}
		ids[id] = true
		headers[reflect.ValueOf(h).Pointer()] = true
		back, ok := shortID(h[HeaderID], &actor.PID{RequestId: seq})
		if !ok || back != id {
			t.Errorf("short form %q with RequestId %d gives %v %v, want %v", h[HeaderID], seq, back, ok, id)
		}
	}
	if len(headers) != 2 {
		t.Errorf("%d short headers across one wrap, want 2", len(headers))
	}
	// The same sequence number one wrap later is another ID.
	s.next.Store(2<<32 - 3) // sequence number 1<<32-2 again, in wrap 1
	if _, id, _ := s.take(); ids[id] {
		t.Errorf("ID %v drawn again one wrap later", id)
	}
	for _, bad := range []string{"", "too short", "!!!!!!!!!!!!!!!!"} {
		if _, ok := shortID(bad, &actor.PID{RequestId: 1}); ok {
			t.Errorf("shortID(%q) accepted", bad)
		}
	}
	if _, ok := shortID("AAAAAAAAAAAAAAAA", &actor.PID{}); ok {
		t.Error("shortID accepted a route with RequestId 0")
	}
}
