// Package graphio reads graphs for the command-line tools and writes the
// positions of a layout.
//
// Inputs are an edge list (one "a b [weight]" per line, whitespace or comma
// separated, '#' and '%' comments, 0-based integer ids; the node count is the
// largest id plus one) or d3-style JSON
// {"nodes":[{"id":...}],"links":[{"source":...,"target":...}]} (see ReadJSON
// for how ids are matched). Read picks the format by extension and reads
// stdin for "-". Every reader drops self-loops and duplicate edges, counting
// them in Stats, and keeps isolated nodes. Errors name the input as
// FILE:LINE: reason; no input makes a reader panic (see the fuzz tests).
//
// Positions are written as CSV (header id,x,y,z; z is 0 in 2D) or JSON,
// chosen by extension, and read back by ReadPositions.
//
// graphio builds kernel.Graph values; it knows nothing of actors.
package graphio
