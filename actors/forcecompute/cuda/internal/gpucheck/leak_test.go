package main

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the test binary as gpu-check when GPU_CHECK_CHILD=1: that is
// how the tests' parent runs its sections in child processes.
func TestMain(m *testing.M) {
	if os.Getenv("GPU_CHECK_CHILD") == "1" {
		crashAt, hangAt = os.Getenv("GPU_CHECK_CRASH_AT"), os.Getenv("GPU_CHECK_HANG_AT")
		os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
	}
	goleak.VerifyTestMain(m)
}
