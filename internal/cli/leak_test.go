package cli_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/protoack/protoack/internal/cli"
)

func TestMain(m *testing.M) {
	// TestMainExits runs this test binary as a command built on cli.Main.
	if os.Getenv("CLI_TEST_AS_COMMAND") == "1" {
		cli.Main("tool", toolRun)
	}
	goleak.VerifyTestMain(m)
}
