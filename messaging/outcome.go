package messaging

import (
	"strconv"
	"time"
)

// ResendFunc sends a tracked message again. attempt counts sends: 2 for the
// first re-send. The Tracker calls it outside its locks, from its timer
// goroutine, so it must not block for long. An error counts as a failed
// attempt: the ack timeout still runs, and the error is reported if the
// message is finally given up.
type ResendFunc func(id ID, attempt int) error

// Resender is a Message.Data that re-sends its message, used when
// Message.Resend is nil. Unlike a ResendFunc bound to a value, it costs no
// allocation per message. The same rules as for ResendFunc apply.
type Resender interface {
	Resend(id ID, attempt int) error
}

// Message is what Track registers.
type Message struct {
	ID     ID         // zero: the Tracker draws a new random ID
	Kind   Kind       // selects the Policy and the metrics row
	Resend ResendFunc // nil: Data's, if it is a Resender; else timeouts still count attempts, but nothing is re-sent
	Data   any        // opaque; handed back in the Outcome
}

// Result is how a tracked message ended.
type Result uint8

const (
	ResultSuccess        Result = iota + 1 // a Success ack
	ResultPartialSuccess                   // a PartialSuccess ack
	ResultFailed                           // a Failed ack (not retried, or retries used up)
	ResultExhausted                        // no final ack within the policy's retries
	ResultUndeliverable                    // Fail was called, e.g. the target is gone
	ResultAbandoned                        // still pending when the Tracker was closed
)

var resultNames = [...]string{"", "Success", "PartialSuccess", "Failed", "Exhausted", "Undeliverable", "Abandoned"}

func (r Result) String() string {
	if r > 0 && int(r) < len(resultNames) {
		return resultNames[r]
	}
	return "Result(" + strconv.Itoa(int(r)) + ")"
}

// Delivered reports whether the receiver acknowledged processing
// (Success or PartialSuccess).
func (r Result) Delivered() bool { return r == ResultSuccess || r == ResultPartialSuccess }

// Outcome reports the end of one tracked message. Every message that Track
// accepted gets exactly one Outcome.
type Outcome struct {
	ID       ID
	Kind     Kind
	Result   Result
	Attempts int           // sends made, the first included
	Err      error         // the last error; nil for Success
	Ack      Ack           // the final ack, when an ack ended the message
	Latency  time.Duration // from Track to the end
	Data     any           // Message.Data
}

// AckResult says what Acknowledge did with an ack.
type AckResult uint8

const (
	AckMatched   AckResult = iota + 1 // ended (or, for a retried failure, re-scheduled) a pending message
	AckExtended                       // a Retrying ack extended the deadline
	AckDuplicate                      // the message had already ended
	AckUnknown                        // no such message was tracked recently
)

var ackResultNames = [...]string{"", "Matched", "Extended", "Duplicate", "Unknown"}

func (r AckResult) String() string {
	if r > 0 && int(r) < len(ackResultNames) {
		return ackResultNames[r]
	}
	return "AckResult(" + strconv.Itoa(int(r)) + ")"
}
