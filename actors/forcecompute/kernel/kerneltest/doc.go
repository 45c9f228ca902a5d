// Package kerneltest holds helpers shared by the tests of kernel
// implementations: a deterministic preferential-attachment graph generator
// and a conformance suite any kernel.Kernel must pass. It is imported only
// by tests and benchmarks.
package kerneltest
