// Package physics is the PhysicsOrchestrator actor: it drives one
// ForceCompute actor (its child) through the six tracked kinds of
// actors/protocol, one step at a time, and recovers it when a message
// fails or it restarts.
//
// Embedding: build a middleware.Delivery with DeliveryOptions, then Spawn
// with a Config. Send the orchestrator protocol.Pause, Resume,
// UpdateSimulationParams, GetPositions, UpdateGPUGraphData,
// UploadConstraintsToGPU and UpdateNodePositions (drags); Subscribe for
// PositionsFrame and Event; GetStats for its counters. Delivery counts are
// the Delivery's (Tracker().Summary()). docs/architecture.md has the
// design; Example shows a whole app.
package physics
