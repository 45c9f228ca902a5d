package middleware

import (
	"strconv"
	"strings"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
)

// Header keys a tracked message carries. The ID is also in the ack's body,
// since some protoactor paths (dead letters, futures) drop headers.
const (
	HeaderID      = "protoack-id"
	HeaderKind    = "protoack-kind"
	HeaderAttempt = "protoack-attempt"
	// HeaderReplyTo holds the envelope's own Sender (set by Request or
	// RequestFuture), which the receiver middleware restores for the
	// handler; the envelope's Sender field carries the ack route instead.
	HeaderReplyTo = "protoack-reply-to"
)

// attemptText formats an attempt without allocating for the first few.
func attemptText(n int) string {
	switch n {
	case 1:
		return "1"
	case 2:
		return "2"
	case 3:
		return "3"
	}
	return strconv.Itoa(n)
}

// parseAttempt reads HeaderAttempt; a missing or bad value reads as 1.
func parseAttempt(s string) int {
	if s == "1" || s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// formatPID writes a PID as "requestID address id" for HeaderReplyTo.
func formatPID(p *actor.PID) string {
	return strconv.FormatUint(uint64(p.RequestId), 10) + " " + p.Address + " " + p.Id
}

// parsePID reads formatPID's form; it returns nil for anything else.
func parsePID(s string) *actor.PID {
	req, rest, ok := strings.Cut(s, " ")
	if !ok {
		return nil
	}
	addr, id, ok := strings.Cut(rest, " ")
	if !ok || id == "" {
		return nil
	}
	n, err := strconv.ParseUint(req, 10, 32)
	if err != nil {
		return nil
	}
	return &actor.PID{Address: addr, Id: id, RequestId: uint32(n)}
}

// IDOf returns the ID of the tracked message a handler is processing, and
// false if the message is not tracked. ctx is any protoactor context.
func IDOf(ctx interface {
	MessageHeader() actor.ReadonlyMessageHeader
}) (messaging.ID, bool) {
	h := ctx.MessageHeader()
	if h == nil {
		return messaging.ID{}, false
	}
	s := h.Get(HeaderID)
	if s == "" {
		return messaging.ID{}, false
	}
	if len(s) == shortLen {
		// The short form: the handler's trackedContext holds the delivery.
		if e := processing(ctx); e != nil {
			return e.key.id, true
		}
		return messaging.ID{}, false
	}
	id, err := messaging.ParseID(s)
	return id, err == nil
}
