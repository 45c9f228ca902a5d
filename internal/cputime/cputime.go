package cputime

// Process returns the user and system CPU time the process has used so
// far, in nanoseconds; 0 where the platform does not tell.
func Process() int64 { return process() }
