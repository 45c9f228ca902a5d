// Package kernel defines the force-directed layout kernel contract shared by
// the CPU and CUDA implementations: the graph in CSR form, the parameters and
// constraints, and the Kernel interface the ForceCompute actor drives.
//
// It holds data types, validation and layout-quality measures only; no kernel
// lives here, and nothing here imports an actor package.
package kernel
