package middleware

import (
	"encoding/binary"
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/asynkron/protoactor-go/remote"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/ackpb"
)

// A sender batches first attempts to a remote address (sendbatch.go) only
// once that address has shown that it unpacks ackpb.Batch: a receiver of
// this version sets batches on every ack it sends to another process
// (ackpb.Ack.batches, ackpb.Acks.batches), and the sender records it for
// the address it sent the acknowledged message to. Until then first
// attempts go singly, as a receiver of an earlier version (whose
// protoactor endpoint reader panics on a type it does not know) takes
// them. When protoactor's endpoint to the address terminates (the peer
// went away, maybe to come back at an earlier version) the record is
// cleared: batches wait for its next capable ack.

// peer is what the sender knows of one remote address.
type peer struct {
	batches atomic.Bool // it unpacks ackpb.Batch
}

// peers records, per remote address, whether it unpacks batches. Entries
// are kept for the Delivery's life (one per address sent to).
type peers struct {
	byAddr sync.Map // address → *peer
	self   peer     // this process: always capable
	sub    *eventstream.Subscription
}

func (ps *peers) init(d *Delivery) {
	ps.self.batches.Store(true)
	ps.sub = d.system.EventStream.Subscribe(func(evt any) {
		if e, ok := evt.(*remote.EndpointTerminatedEvent); ok {
			ps.forget(e.Address)
		}
	})
}

// close stops watching endpoints.
func (ps *peers) close(d *Delivery) {
	if ps.sub != nil {
		d.system.EventStream.Unsubscribe(ps.sub)
	}
}

// of returns address's record (self's for this process).
func (ps *peers) of(d *Delivery, address string) *peer {
	if address == d.system.Address() {
		return &ps.self
	}
	if p, ok := ps.byAddr.Load(address); ok {
		return p.(*peer)
	}
	p, _ := ps.byAddr.LoadOrStore(address, new(peer))
	return p.(*peer)
}

// forget clears address's record: its endpoint terminated.
func (ps *peers) forget(address string) {
	if p, ok := ps.byAddr.Load(address); ok {
		p.(*peer).batches.Store(false)
	}
}

// heard records that the receiver of the message acknowledged by id, sent
// with sequence number seq, unpacks batches. The message must still be
// pending (heard runs before its ack is applied); a capable ack of one no
// longer known is ignored, the next one will do.
func (d *Delivery) heard(seq uint32, id messaging.ID) {
	if d.sendq.cfg.off {
		return
	}
	p := d.routes.get(seq)
	if p == nil || p.id != id {
		return
	}
	if pr := d.peers.of(d, p.target.Address); !pr.batches.Load() {
		pr.batches.Store(true)
	}
}

// withOldAcks makes this Delivery's acks say nothing of batches, as a
// receiver of an earlier version's do (tests only).
func withOldAcks() Option {
	return optionFunc(func(c *config) { c.oldAcks = true })
}

// wireAck converts a for the wire, saying that this process unpacks
// batches.
func (d *Delivery) wireAck(a messaging.Ack) *ackpb.Ack {
	m := toProto(a)
	m.Batches = !d.cfg.oldAcks
	return m
}

// heardAcks is heard for a batch of acks that says its receiver unpacks
// batches: its first ack names the message, hence the address.
func (d *Delivery) heardAcks(m *ackpb.Acks) {
	var id messaging.ID
	switch {
	case len(m.GetSeqs()) > 0 && len(m.GetPrefix()) == 12:
		copy(id[:12], m.GetPrefix())
		binary.BigEndian.PutUint32(id[12:], m.Seqs[0])
	case len(m.GetFull()) > 0 && len(m.Full[0].GetId()) == len(id):
		copy(id[:], m.Full[0].GetId())
	default:
		return
	}
	d.heard(binary.BigEndian.Uint32(id[12:]), id)
}
