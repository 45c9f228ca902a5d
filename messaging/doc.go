// Package messaging is the reliable-delivery core of protoack: correlation
// IDs, acknowledgements, per-kind retry policies with ack timeouts that adapt
// to measured latency, the Tracker that re-sends unacknowledged messages with
// exponential backoff and reports every give-up, and per-kind delivery
// metrics. It defines no kinds: those belong to the protocol that uses it.
//
// The protocol state machine is Core: deterministic, lock-free, advanced only
// by explicit calls that take the current time (Track, Acknowledge, Advance),
// in the style of etcd's raft. Tracker wraps Core for concurrent use and owns
// the one timer that drives it, from an injected Clock.
//
// This package imports nothing of protoactor; the middleware package binds it.
package messaging
