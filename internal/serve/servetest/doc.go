// Package servetest implements serve.Simulation over a real layout kernel
// (forcecompute.Open) stepping on a goroutine of its own, with a real
// messaging.Tracker counting each step as a tracked "ComputeForces"
// message. It is for tests of internal/serve: it records the calls it gets
// and how long its loop waited on subscribers.
package servetest
