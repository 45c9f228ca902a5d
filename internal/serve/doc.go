// Package serve is `sim -serve`: a live view of a layout in the browser,
// controls, and Prometheus metrics, for one Simulation.
//
// cmd/sim implements Simulation over the PhysicsOrchestrator and calls
//
//	err := serve.Run(ctx, addr, sim, logger) // addr "" is DefaultAddr, 127.0.0.1:8080
//
// or, to record ack latencies too, New, ObserveOutcome (from the
// middleware's outcome callback) and ListenAndServe. Serving ends when ctx
// is done: in-flight requests finish, WebSockets close with "going away".
//
// Endpoints:
//
//	GET  /             the page (embedded; no CDN, no build step)
//	GET  /ws           binary frames: nodes u32, dims u32, iteration u64, then
//	                   float32 positions (x block, y block[, z block]), all
//	                   little-endian; JSON text events: {"type":"step",...}
//	                   and {"type":"delivery",...} every StateInterval,
//	                   {"type":"event","kind":...} as the simulation reports
//	GET  /api/state    iteration, kinetic_energy, settled, paused, backend,
//	                   recoveries, ticks_per_second, nodes, dims, params
//	GET  /api/graph    nodes u32, edges u32, then each edge as two u32 ids
//	POST /api/params   a JSON object of kernel.Params fields (Go names);
//	                   fields left out keep their values
//	POST /api/pause, /api/resume   empty body or {}
//	POST /api/pin      {"id":N,"x":X,"y":Y[,"z":Z]} or {"id":N,"unpin":true}
//	GET  /metrics      Prometheus text; every name starts with protoack_
//
// A bad request gets 400 (413 over MaxBody) and {"error":"one line"}; it
// never reaches the Simulation. Each viewer has a bounded queue: a frame
// replaces the one it has not taken yet, and the drop is counted
// (protoack_serve_frames_dropped_total), so a slow or gone viewer never
// holds back the simulation or the other viewers (TestSlowViewersDoNotStall).
//
// servetest implements Simulation over a real CPU kernel for tests.
package serve
