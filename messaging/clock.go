package messaging

import "time"

// Clock is the Tracker's source of time: Now, and one-shot timers.
// SystemClock is the real one; clocktest.Clock is a manual one for tests.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine (or, for a manual clock, in
	// the goroutine that advances it) once d has elapsed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a one-shot timer made by a Clock.
type Timer interface {
	// Stop prevents the call if it has not happened; it reports whether it did.
	Stop() bool
	// Reset re-arms the timer to fire after d; it reports whether it was active.
	Reset(d time.Duration) bool
}

// SystemClock returns the real clock (time.Now and time.AfterFunc).
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

func (systemClock) Since(t time.Time) time.Duration { return time.Since(t) }
