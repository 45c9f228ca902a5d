// Package remoting starts protoactor remote (gRPC) the way the project's
// commands need it across nodes: listen and advertised addresses checked,
// message size limits sized for million-node graphs, and dials that give
// up, so a node that is down shows as a terminated endpoint and dead
// letters instead of messages queued behind a dial for ever.
package remoting
