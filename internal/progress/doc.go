// Package progress reports a layout run on stderr: iteration, kinetic
// energy, ticks per second and an ETA to equilibrium estimated from the
// energy's recent decay rate. On a terminal it draws a bar
// (github.com/schollz/progressbar); otherwise it writes a plain line about
// once a second. Time comes from an injected clock, so tests drive it.
// stdout is never written: it is reserved for -json.
package progress
