package messaging

import (
	"maps"
	"strconv"
	"time"
)

// Status is the outcome a receiver reports for a message.
type Status uint8

const (
	// StatusUnknown is the zero value; it is never sent.
	StatusUnknown Status = iota
	// StatusSuccess: processed completely.
	StatusSuccess
	// StatusPartialSuccess: processed, with something left undone (see Reason).
	StatusPartialSuccess
	// StatusFailed: processing failed (see Reason).
	StatusFailed
	// StatusRetrying: still working; the sender extends its deadline.
	StatusRetrying
)

var statusNames = [...]string{"Unknown", "Success", "PartialSuccess", "Failed", "Retrying"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Final reports whether s ends a message (every status but Retrying and Unknown).
func (s Status) Final() bool {
	return s == StatusSuccess || s == StatusPartialSuccess || s == StatusFailed
}

// Ack acknowledges one delivery attempt of a tracked message.
type Ack struct {
	ID       ID
	Status   Status
	Reason   string            // why, for PartialSuccess, Failed and Retrying
	Attempt  int               // the attempt being acknowledged (1 = first send); 0 if unknown
	Time     time.Time         // when the receiver produced the ack
	Metadata map[string]string // optional; never shared with the caller's map
}

// Success acknowledges complete processing.
func Success(id ID) Ack { return Ack{ID: id, Status: StatusSuccess, Time: time.Now()} }

// PartialSuccess acknowledges processing with something left undone.
func PartialSuccess(id ID, reason string) Ack {
	return Ack{ID: id, Status: StatusPartialSuccess, Reason: reason, Time: time.Now()}
}

// Failed reports that processing failed; err's text becomes the reason.
func Failed(id ID, err error) Ack {
	reason := "failed"
	if err != nil {
		reason = err.Error()
	}
	return Ack{ID: id, Status: StatusFailed, Reason: reason, Time: time.Now()}
}

// Retrying reports the receiver is still working, extending the sender's deadline.
func Retrying(id ID, reason string) Ack {
	return Ack{ID: id, Status: StatusRetrying, Reason: reason, Time: time.Now()}
}

// WithAttempt returns a copy of a acknowledging the given attempt.
func (a Ack) WithAttempt(attempt int) Ack {
	a.Attempt = attempt
	return a
}

// WithMetadata returns a copy of a with md merged in. Neither a's map nor md
// is aliased by the result.
func (a Ack) WithMetadata(md map[string]string) Ack {
	m := make(map[string]string, len(a.Metadata)+len(md))
	maps.Copy(m, a.Metadata)
	maps.Copy(m, md)
	a.Metadata = m
	return a
}
