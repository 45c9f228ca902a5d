// Package cputime reads the CPU time the process has used, for benchmarks
// that report CPU per operation beside wall time: on a shared machine it
// moves less than wall time, and it counts the work of every goroutine an
// operation involves, also of those that ran in parallel.
package cputime
