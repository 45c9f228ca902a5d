package messaging

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrClosed is returned by Track after Close.
	ErrClosed = errors.New("messaging: tracker closed")
	// ErrTooManyPending is returned by Track when the pending cap is reached.
	ErrTooManyPending = errors.New("messaging: too many pending messages")
	// ErrDuplicateID is returned by Track for an ID that is already pending.
	ErrDuplicateID = errors.New("messaging: ID already pending")
	// ErrTimeout is the error of an attempt that got no final ack in time.
	ErrTimeout = errors.New("messaging: ack timeout")
	// ErrAbandoned is the error of a message pending at Close.
	ErrAbandoned = errors.New("messaging: tracker closed with message pending")
)

// TimeoutError is the error of an attempt that timed out.
type TimeoutError struct {
	Attempt int
	After   time.Duration // the kind's ack timeout when the attempt expired
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("messaging: no ack for attempt %d after %v", e.Attempt, e.After)
}

// Is makes errors.Is(err, ErrTimeout) true.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// AckError is the error of a Failed ack (or a PartialSuccess reason).
type AckError struct {
	Status Status
	Reason string
}

func (e *AckError) Error() string {
	return fmt.Sprintf("messaging: receiver reported %v: %s", e.Status, e.Reason)
}
