package forcecompute

import (
	"strconv"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

// reply acks the tracked message being handled with r, after its effect.
// An untracked copy (no middleware on the sender) has nothing to ack.
func (c *computer) reply(ctx actor.Context, r middleware.Reply) {
	if _, tracked := middleware.IDOf(ctx); !tracked {
		return
	}
	if err := c.cfg.Delivery.Reply(ctx, r); err != nil {
		c.cfg.Logger.Warn("forcecompute: ack", "err", err)
	}
}

// success is a Success reply with the kernel's state as metadata.
func (c *computer) success(extra ...string) middleware.Reply {
	return middleware.Reply{Status: messaging.StatusSuccess, Metadata: c.meta(extra...)}
}

// failed is a Failed reply with a cause (protocol.Cause*) and a reason.
func (c *computer) failed(cause, reason string) middleware.Reply {
	return middleware.Reply{Status: messaging.StatusFailed, Reason: reason,
		Metadata: c.meta(protocol.MetaCause, cause)}
}

// meta is nodes, edges, iteration and backend, plus extra key-value pairs.
func (c *computer) meta(extra ...string) map[string]string {
	m := make(map[string]string, 4+len(extra)/2)
	m[protocol.MetaNodes] = strconv.Itoa(c.nodes)
	m[protocol.MetaEdges] = strconv.Itoa(c.edges)
	if c.k != nil {
		m[protocol.MetaBackend] = c.k.Name()
		m[protocol.MetaIteration] = strconv.Itoa(c.k.Ticks())
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}
