// Package graphgen generates the graphs of the -generate flag: ba:N:M
// (Barabasi-Albert preferential attachment), grid:W:H (a square lattice)
// and random:N:P (Erdos-Renyi G(n, p)). Every generator is deterministic for
// its seed. kerneltest.BA, which the kernel tests and benchmarks use, is
// BA here.
package graphgen
