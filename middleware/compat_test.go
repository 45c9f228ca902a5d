package middleware

import (
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/ackpb"
	"github.com/protoack/protoack/middleware/internal/testpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// oldRunEnv marks the child process of TestRemoteOldReceiver.
const oldRunEnv = "PROTOACK_REMOTE_OLD_RECEIVER"

// oldNodeEnv names a test binary of this package built from an earlier
// version (e.g. 06202ee, which panics on ackpb.Batch), to stand in for
// the node that does not unpack batches in TestRemoteOldReceiver; without
// it, a node of this version whose acks say nothing of batches does.
const oldNodeEnv = "PROTOACK_OLD_NODE"

// TestRemoteOldReceiver: a rolling downgrade on one address. A node of
// this version acks the first message; its ack says it unpacks batches,
// and a burst to it then goes in batches. The node exits (protoactor's
// endpoint to it terminates: the sender forgets the capability) and a
// node that does not unpack batches (one whose acks say nothing of them,
// or with PROTOACK_OLD_NODE a real node of an earlier version, which dies
// on a batch) takes its address: every message to it goes alone and ends
// Success, processed once.
//
// It runs in a child process of its own, as TestRemoteBatches does.
func TestRemoteOldReceiver(t *testing.T) {
	if out, child := ownProcess(t, oldRunEnv); !child {
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "batches to the first node") {
				t.Log(strings.TrimSpace(l))
			}
		}
		return
	}
	const n = 300
	portA, portB := freePort(t), freePort(t)
	sys, gone := startSender(t, portA)
	out := newOutcomes(n)
	// Every message within an hour of the one before opens or joins a
	// batch, however slow the machine: only the capability holds them back.
	d, err := New(sys, Track[*testpb.Work](kindWork), WithOutcome(out.add),
		withSendBatching(64, 2*time.Millisecond, time.Hour, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	target := actor.NewPID("127.0.0.1:"+strconv.Itoa(portB), "worker")
	peer := d.peers.of(d, target.Address)

	// run sends Work 0..n-1 to the node, the first alone and awaited, and
	// checks that each ends Success after one attempt, processed once.
	run := func(c *child, processed []atomic.Int32) {
		t.Helper()
		send := func(i int) {
			if _, err := d.Send(d.RootContext(), target, &testpb.Work{Seq: int64(i)}); err != nil {
				t.Fatal(err)
			}
		}
		send(0)
		got := out.wait(t, 1)
		for i := 1; i < n; i++ {
			send(i)
		}
		for _, o := range append(got, out.wait(t, n-1)...) {
			if o.Result != messaging.ResultSuccess || o.Attempts != 1 {
				t.Errorf("message %d: %v after %d attempts (%v), want Success after 1",
					o.Message.(*testpb.Work).Seq, o.Result, o.Attempts, o.Err)
			}
		}
		c.drain(t)
		for i := range n {
			if p := processed[i].Load(); p != 1 {
				t.Errorf("message %d processed %d times", i, p)
			}
		}
	}

	processed := make([]atomic.Int32, n)
	run(startChild(t, portB, sys.Address(), processed), processed)
	batched := d.sendq.batches.Load()
	if batched == 0 {
		t.Fatal("no batch to the node that unpacks them")
	}
	// The endpoint to the node that exited terminates: forgotten.
	waitFor(t, "the endpoint's end to clear the capability", func() bool { return !peer.batches.Load() })
	select { // see TestRemoteRestart: the child's connection is forgotten
	case <-gone.ch:
	case <-time.After(testDeadline):
		t.Fatal("the child's connection was not closed")
	}

	bin, env := os.Args[0], []string{nodeOldAcksEnv + "=1"}
	if old := os.Getenv(oldNodeEnv); old != "" {
		bin, env = old, nil
	}
	processed = make([]atomic.Int32, n)
	run(startChildOf(t, bin, portB, sys.Address(), processed, env...), processed)
	if b := d.sendq.batches.Load() - batched; b != 0 {
		t.Errorf("%d batches to the node that does not unpack them, want none", b)
	}
	if peer.batches.Load() {
		t.Error("the sender took the node for one that unpacks batches")
	}
	select {
	case <-gone.ch:
	case <-time.After(testDeadline):
		t.Fatal("the second child's connection was not closed")
	}
	t.Logf("%d batches to the first node, none to the second (%s)", batched, bin)
}

// TestAckWireCompat: the acks of this version (with batches set) parse in
// a sender of the version before it, whose ack.proto has no field 7: the
// fields it knows read the same, and the new one is an unknown field that
// proto3 skips.
func TestAckWireCompat(t *testing.T) {
	fd := protodesc.ToFileDescriptorProto(ackpb.File_middleware_ackpb_ack_proto)
	fd.Package = proto.String("protoack.middleware.ackpb.old") // not to clash with the registered one
	fd.Name = proto.String("old/ack.proto")
	for _, m := range fd.MessageType {
		kept := m.Field[:0]
		for _, f := range m.Field {
			if f.GetName() != "batches" {
				if f.TypeName != nil {
					f.TypeName = proto.String(strings.Replace(f.GetTypeName(), ".protoack.middleware.ackpb.", ".protoack.middleware.ackpb.old.", 1))
				}
				kept = append(kept, f)
			}
		}
		m.Field = kept
	}
	old, err := protodesc.NewFile(fd, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	id[15] = 7
	single := &ackpb.Ack{Id: id, Status: ackpb.Status_STATUS_SUCCESS, Attempt: 2, UnixNano: 42,
		Metadata: map[string]string{"k": "v"}, Batches: true}
	batch := &ackpb.Acks{Prefix: id[:12], Seqs: []uint32{7, 8}, Attempts: []uint32{1, 1}, AgeMicros: []uint32{3, 4},
		UnixNano: 43, Full: []*ackpb.Ack{single}, Batches: true}
	for _, m := range []proto.Message{single, batch} {
		raw, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		desc := old.Messages().ByName(m.ProtoReflect().Descriptor().Name())
		parsed := dynamicpb.NewMessage(desc)
		if err := proto.Unmarshal(raw, parsed); err != nil {
			t.Fatalf("%s: an old sender cannot parse it: %v", desc.Name(), err)
		}
		if len(parsed.GetUnknown()) == 0 {
			t.Errorf("%s: batches did not land as an unknown field", desc.Name())
		}
		// Every field the old sender knows reads as this version wrote it.
		want := m.ProtoReflect()
		parsed.Range(func(f protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			nf := want.Descriptor().Fields().ByNumber(f.Number())
			if nf == nil || nf.Name() != f.Name() {
				t.Errorf("%s: field %d is %s here, %v in this version", desc.Name(), f.Number(), f.Name(), nf)
				return true
			}
			if a, b := fieldText(v), fieldText(want.Get(nf)); a != b {
				t.Errorf("%s.%s: the old sender reads %s, want %s", desc.Name(), f.Name(), a, b)
			}
			return true
		})
		if got, want := countFields(parsed), countFields(want)-1; got != want {
			t.Errorf("%s: the old sender reads %d fields, want %d", desc.Name(), got, want)
		}
	}
}

// fieldText renders a field's value for comparison across descriptors.
func fieldText(v protoreflect.Value) string {
	switch x := v.Interface().(type) {
	case protoreflect.List:
		var b strings.Builder
		for i := range x.Len() {
			b.WriteString(fieldText(x.Get(i)) + ",")
		}
		return b.String()
	case protoreflect.Map:
		var b strings.Builder
		x.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			b.WriteString(k.String() + "=" + fieldText(v) + ",")
			return true
		})
		return b.String()
	case protoreflect.Message:
		raw, _ := proto.MarshalOptions{Deterministic: true}.Marshal(x.Interface())
		return strconv.Quote(string(raw))
	default:
		return v.String()
	}
}

// countFields counts m's populated fields.
func countFields(m protoreflect.Message) int {
	n := 0
	m.Range(func(protoreflect.FieldDescriptor, protoreflect.Value) bool { n++; return true })
	return n
}

// TestPeersHeard: a capable single ack, a capable batch of compact acks
// and one of full acks each mark the address the acknowledged message was
// sent to; an ack without the capability, or of a message not pending,
// marks nothing; the end of protoactor's endpoint to the address clears
// it.
func TestPeersHeard(t *testing.T) {
	sys := newSystem(t)
	d := mustNew(t, sys)
	sent := func(address string) (*pending, *peer) {
		seq, id, _ := d.ids.take()
		p := &pending{id: id, seq: seq, target: actor.NewPID(address, "worker")}
		d.routes.add(p)
		return p, d.peers.of(d, address)
	}
	route := func(p *pending) *actor.PID {
		return &actor.PID{Address: sys.Address(), Id: d.routeID, RequestId: p.seq}
	}
	compact := func(p *pending, capable bool) *ackpb.Acks {
		return &ackpb.Acks{Prefix: p.id[:12], Seqs: []uint32{p.seq}, Attempts: []uint32{1}, AgeMicros: []uint32{0}, Batches: capable}
	}
	cases := []struct {
		name string
		ack  func(p *pending)
		want bool
	}{
		{"single", func(p *pending) {
			d.onAck(route(p), &ackpb.Ack{Id: p.id[:], Status: ackpb.Status_STATUS_SUCCESS, Batches: true})
		}, true},
		{"single, old", func(p *pending) { d.onAck(route(p), &ackpb.Ack{Id: p.id[:], Status: ackpb.Status_STATUS_SUCCESS}) }, false},
		{"compact", func(p *pending) { d.onAcks(compact(p, true)) }, true},
		{"compact, old", func(p *pending) { d.onAcks(compact(p, false)) }, false},
		{"full", func(p *pending) {
			d.onAcks(&ackpb.Acks{Full: []*ackpb.Ack{{Id: p.id[:], Status: ackpb.Status_STATUS_SUCCESS}}, Batches: true})
		}, true},
		{"not pending", func(p *pending) {
			d.routes.remove(p)
			d.onAcks(compact(p, true))
		}, false},
	}
	for i, c := range cases {
		addr := "10.0.0." + strconv.Itoa(i+1) + ":1"
		p, pr := sent(addr)
		c.ack(p)
		if got := pr.batches.Load(); got != c.want {
			t.Errorf("%s: %s unpacks batches: %v, want %v", c.name, addr, got, c.want)
		}
	}
	_, pr := sent("10.0.0.1:1")
	if !pr.batches.Load() {
		t.Fatal("10.0.0.1:1 forgotten")
	}
	sys.EventStream.Publish(&remote.EndpointTerminatedEvent{Address: "10.0.0.1:1"})
	if pr.batches.Load() {
		t.Error("10.0.0.1:1 still taken to unpack batches after its endpoint terminated")
	}
	if !d.peers.of(d, sys.Address()).batches.Load() {
		t.Error("this process not taken to unpack batches")
	}
}
