package middleware

import "time"

// monoBase anchors now.
var monoBase = time.Now()

// now returns the current time from the monotonic clock alone: the wall
// clock of the process start plus the monotonic time since. It costs half
// of time.Now under kvm-clock, and serves the window's ages and the acks'
// times (which it places to within any wall-clock step since the start).
func now() time.Time { return monoBase.Add(time.Since(monoBase)) }
