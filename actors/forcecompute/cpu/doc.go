// Package cpu is the parallel Go implementation of kernel.Kernel ("cpu").
//
// State is structure of arrays of float32. Each tick sorts the nodes by
// Morton code (a radix sort), builds a Barnes-Hut octree (quadtree in 2D)
// over the sorted order in a reused flat arena in preorder, its subtrees on
// all workers at once (plan.go), and then, for each group of up to 256
// nodes sharing a cell, walks the tree once into an interaction list that
// is summed for every node of the group (AVX-512 or AVX assembly on amd64,
// plain Go elsewhere). Every phase is cut into chunks (walk groups, tree
// tasks, fixed ranges of nodes) that workers take from a shared counter,
// the caller too, so a tick never waits for a helper the OS has not
// scheduled; workers write disjoint slices; springs, gravity and
// integration follow the sums. Every 8 ticks
// the nodes are renumbered internally in Morton order so neighbours sit
// near each other in memory; the API speaks the caller's ids. Steady-state ticks allocate nothing, and on a given CPU
// results depend only on the parameters (seed included), the graph and the
// constraints, not on the worker count (kinetic energy included). The math
// is the spec on kernel.Params.
//
// MultilevelStart computes a starting layout on coarsened copies of the
// graph (matching, as sfdp and FM3 do) for any kernel to continue from
// with SetPositions and SetTicks; it settles in fewer ticks, mostly in 3D.
//
// Nothing here imports an actor package.
package cpu
