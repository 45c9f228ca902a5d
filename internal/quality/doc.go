// Package quality is the layout-quality measure as a command, `sim quality
// GRAPH POSITIONS`: the edge-length coefficient of variation and the
// sampled stress of kernel.EdgeCV and kernel.Stress, which follow the
// definitions of ../shared/peers/layoutq.py (outside the repository), so
// that users need nothing besides the binary.
package quality
