// Package lossy is a lossy link for tests of the physics actors, built on
// protoactor's and the middleware's public API only: a receiver
// middleware, installed outermost on the receiving actor, drops and
// duplicates tracked messages, and routes their acks through a process of
// its own that drops them too.
package lossy
