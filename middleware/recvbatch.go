package middleware

import (
	"encoding/base64"
	"encoding/binary"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/ackpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// receiveBatch runs each message of b, a batch of first attempts from one
// sending Delivery (sendbatch.go) whose ack route is route, through the
// receive path of a single message with the short form of its ID, in
// order: de-duplication, the handler, the ack; the acks batched meanwhile
// go back at the end (not on the ack batches' timer). A batch that does not hold
// together is dropped (its messages are re-sent singly after their
// timeouts), and so is a message whose type this process does not know or
// whose bytes do not decode. A handler that panics ends the batch there,
// as it ends the actor's message: the messages after it are re-sent after
// their timeouts.
func (d *Delivery) receiveBatch(ctx actor.ReceiverContext, route *actor.PID, b *ackpb.Batch, next actor.ReceiverFunc) {
	self := ctx.Self()
	n := len(b.GetSeqs())
	if route == nil || self == nil || len(b.GetPrefix()) != 12 || len(b.GetSizes()) != n || len(b.GetTypeNames()) == 0 ||
		(len(b.GetAttempts()) != 0 && len(b.GetAttempts()) != n) || (len(b.GetTypes()) != 0 && len(b.GetTypes()) != n) {
		d.cfg.log.Debug("protoack: malformed batch dropped", "items", n, "route", route)
		return
	}
	types := make([]protoreflect.MessageType, len(b.TypeNames))
	for i, name := range b.TypeNames {
		types[i], _ = protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(name))
	}
	header := map[string]string{HeaderID: base64.RawURLEncoding.EncodeToString(b.Prefix)}
	// The items' ack route: route with RequestId = seq, in one PID reused
	// from item to item (the window copies it; handle copies it to send it).
	r := &actor.PID{Address: route.Address, Id: route.Id}
	var id messaging.ID
	copy(id[:12], b.Prefix)
	data := b.GetData()
	at := now() // the window's clock for every message of the batch
	for i, seq := range b.Seqs {
		size := int(b.Sizes[i])
		if size > len(data) {
			d.cfg.log.Debug("protoack: batch shorter than its sizes; rest dropped", "item", i, "items", n)
			return
		}
		raw := data[:size]
		data = data[size:]
		t := 0
		if len(b.Types) > 0 {
			t = int(b.Types[i])
		}
		if seq == 0 || t >= len(types) || types[t] == nil {
			d.cfg.log.Debug("protoack: batch item dropped: unknown type or no sequence number", "item", i)
			continue
		}
		msg, err := decodeItem(types[t], raw)
		if err != nil {
			d.cfg.log.Debug("protoack: batch item dropped", "item", i, "type", b.TypeNames[t], "err", err)
			continue
		}
		attempt := 1
		if len(b.Attempts) > 0 {
			attempt = max(1, int(b.Attempts[i]))
		}
		binary.BigEndian.PutUint32(id[12:], seq)
		r.RequestId = seq
		d.handle(ctx, self, arrival{id: id, short: true, attempt: attempt, route: r, scratch: true, header: header, msg: msg, at: at}, next)
	}
	if d.cfg.ackLink == nil && route.Address != d.system.Address() {
		d.batches.flushRoute(route) // the batch's acks, together
	}
}

// decodeItem decodes one message of a batch as protoactor remote decodes
// a message (serializer 0, protobuf, then remote.RootSerialized).
func decodeItem(t protoreflect.MessageType, raw []byte) (any, error) {
	pm := t.New().Interface()
	if err := proto.Unmarshal(raw, pm); err != nil {
		return nil, err
	}
	if v, ok := pm.(remote.RootSerialized); ok {
		return v.Deserialize()
	}
	return pm, nil
}
