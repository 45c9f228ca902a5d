// Package forcecompute holds the force-directed layout engine's actor side:
// Open chooses the kernel backend (cpu, cuda, or auto). The ForceCompute
// actor that drives a kernel.Kernel will live here too.
//
// The kernels themselves live in subpackages: kernel (the contract), cpu and
// cuda. Nothing in those imports this package.
package forcecompute
