package physics

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks for leaked goroutines. protoactor's dead-letter
// throttle (a one-second timer goroutine started by a dead letter, such as
// an outcome reaching an orchestrator that has just stopped) is its own
// and ends by itself.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"))
}
