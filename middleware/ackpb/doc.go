// Package ackpb holds the protobuf messages the middleware sends between
// processes: acks from receiver to sender (ack.proto), and batches of
// tracked messages from sender to receiver (batch.proto). The .pb.go files
// are generated from them by `make proto`.
package ackpb
