// Package middleware adds acknowledged, re-sent and de-duplicated delivery
// to any Proto.Actor Go application, on top of the messaging core.
//
// A Delivery holds one messaging.Tracker and provides a sender middleware,
// a receiver middleware, Props options that install both (and pass them on
// to children), and a root context of the application's own. Message types
// are registered for tracking by Go type (Track), or name their own kind
// (Kinded); every other message passes through untouched.
//
// A tracked message carries its ID, kind and attempt in headers and a
// route for its ack as the envelope's Sender. The receiver processes each
// ID at most once, acks with the handler's outcome (Success unless the
// handler Reports otherwise, Failed on a panic), and re-acks duplicates
// with the original outcome. Acks are *ackpb.Ack protobuf messages, so
// tracking works across protoactor remote.
//
// Never add this (or any) sender middleware to system.Root: protoactor's
// remote plumbing sends through it. Use Delivery.RootContext instead.
//
// The package imports protoactor; messaging does not.
package middleware
