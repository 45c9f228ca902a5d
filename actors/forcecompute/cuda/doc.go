// Package cuda is the NVIDIA GPU implementation of kernel.Kernel ("cuda").
//
// The device code (*.cu, *.cuh) is built by nvcc into a static library
// (make cuda) that cgo links under the build tag cuda, with libcudart_static,
// so binaries need only libc and a driver. Without the tag the package is
// pure Go: New and Available report that CUDA is not compiled in.
//
// The math is kernel.Params' model, in the CPU kernel's order of operations.
// State is structure of arrays on the device: positions (double-buffered
// between ticks), velocities, the graph in CSR form, constraints as a CSR of
// partners. The parameters travel with every launch, so any number of
// kernels (2D and 3D, different parameters) live side by side in one
// process. Repulsion with Theta > 0 is Barnes-Hut on the GPU: nodes sorted
// by Morton code (CUB radix sort), a binary radix tree over the keys,
// centres of mass bottom-up (a bounded climb: a malformed tree is reported,
// never spun on), and a stack walk per node in which each warp of 32
// Morton-consecutive nodes votes on every cell: it is taken as one body only
// when every lane's own criterion accepts it (Burtscher and Pingali; see
// tree.cuh). Theta == 0 is an exact all-pairs sum tiled in shared memory.
// NewEmulated runs the same algorithm serially on the host.
//
// Positions stay on the device; Positions, or Snapshot then Collect, bring
// them back through two pinned host buffers on a copy stream, so a snapshot
// can travel while later ticks run. All CUDA calls of a Kernel run on one
// goroutine locked to its OS thread; errors carry cudaGetErrorString's text,
// and a sticky error (errors.Is(err, ErrContextLost)) says that the process
// must restart to use the GPU again.
//
// Nothing here imports an actor package.
package cuda
