// Package cpu is the parallel Go implementation of kernel.Kernel ("cpu").
//
// State is structure of arrays of float32. Each tick sorts the nodes by
// Morton code, builds a Barnes-Hut octree (quadtree in 2D) over the sorted
// order in a reused flat arena, walks it per node on worker goroutines that
// write disjoint slices, then integrates. Steady-state ticks allocate
// nothing, and results depend only on the parameters (seed included), the
// graph, the constraints and the worker count. The math is the spec in
// kernel.Params; the tree is the one it describes, cut off at 16 levels and
// with leaves of up to 8 nodes summed exactly.
//
// Nothing here imports an actor package.
package cpu
