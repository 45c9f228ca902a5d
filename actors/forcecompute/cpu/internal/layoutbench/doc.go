// Command layoutbench times the CPU force kernel on an edge list for
// docs/performance.md: it runs N ticks, prints one JSON line (ms/tick,
// kinetic energy, optionally layout quality) and can write "id x y [z]"
// positions for ../shared/peers/layoutq.py. Parameters are
// kernel.DefaultsFor(-dims) unless a flag overrides them.
//
//	layoutbench -edges ba10k.edges -dims 3 -ticks 300 -out pos.txt
package main
