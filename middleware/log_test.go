package middleware

import (
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
)

// quietLogger keeps protoactor's info logs (dead letters, restarts) out of
// test output.
func quietLogger(*actor.ActorSystem) *slog.Logger {
	return slog.New(slog.DiscardHandler)
}
