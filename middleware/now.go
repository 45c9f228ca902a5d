package middleware

import "time"

// monoBase anchors now.
var monoBase = time.Now()

// now returns the current time from the monotonic clock alone: the wall
// clock of the process start plus the monotonic time since. It costs half
// of time.Now under kvm-clock, and serves the window's ages and the acks'
// times (which it places to within any wall-clock step since the start).
func now() time.Time { return monoBase.Add(time.Since(monoBase)) }

// nanos returns the monotonic time since monoBase: now without building a
// time.Time, for the window, whose epoch is monoBase.
func nanos() int64 { return int64(time.Since(monoBase)) }

// at converts a nanos reading to now's form.
func at(t int64) time.Time { return monoBase.Add(time.Duration(t)) }
