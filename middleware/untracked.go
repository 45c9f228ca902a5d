package middleware

import "sync"

// untrackedWarner says once per kind that a registered type arrived
// without tracking: sent through system.Root or another context without
// the sender middleware, so it has no ack and no re-send.
type untrackedWarner struct{ warned sync.Map }

func (w *untrackedWarner) note(d *Delivery, msg any) {
	kind, ok := d.kinds.of(msg)
	if !ok {
		return
	}
	if _, dup := w.warned.LoadOrStore(kind, true); dup {
		return
	}
	d.cfg.log.Warn("protoack: a tracked kind arrived untracked: its sender has no sender middleware "+
		"(use Delivery.RootContext or an actor with PropsOption, not system.Root)", "kind", kind)
}
