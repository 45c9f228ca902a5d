// Package kernel defines the force-directed layout kernel contract shared by
// the CPU and CUDA implementations: the graph in CSR form, the parameters
// (whose doc comment is the per-tick math both follow) and constraints, and
// the Kernel interface the ForceCompute actor drives.
//
// Beside the types it holds what every kernel must compute the same way
// (Defaults, validation, the Alpha schedule, InitialPositions), layout
// quality measures (EdgeCV, Stress) and an edge-list reader. No kernel lives
// here, and nothing here imports an actor package; kerneltest holds the
// shared conformance tests and the naive reference.
package kernel
