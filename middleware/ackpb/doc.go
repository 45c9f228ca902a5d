// Package ackpb holds the protobuf ack that the middleware sends from
// receiver to sender. ack.pb.go is generated from ack.proto by `make proto`.
package ackpb
