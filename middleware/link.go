package middleware

import "github.com/protoack/protoack/messaging"

// packet describes one send that a link carries.
type packet struct {
	ID      messaging.ID
	Attempt int
	Ack     bool // the ack path; otherwise the message path
	Msg     any  // the user message, or the *ackpb.Ack
}

// link carries sends. Tests inject a lossy one; without one the middleware
// sends directly. carry may call send once, never (a loss), more than once
// (duplicates), or later from another goroutine (delay and reorder). A
// first send calls the rest of the sender chain, so a link that delays it
// must only be used with chains that are safe off the actor's goroutine,
// as a RootContext's chain is.
type link interface {
	carry(p packet, send func())
}

// withLinks installs lossy layers on the message and ack paths (tests only).
func withLinks(msg, ack link) Option {
	return optionFunc(func(c *config) { c.msgLink, c.ackLink = msg, ack })
}
