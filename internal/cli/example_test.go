package cli_test

import (
	"flag"
	"fmt"
	"os"

	"github.com/protoack/protoack/internal/cli"
)

func ExampleReport() {
	for _, err := range []error{nil, flag.ErrHelp, cli.Usagef("-dims 7: must be 2 or 3"), fmt.Errorf("write layout.png: disk full")} {
		fmt.Println("exit", cli.Report("sim", err, os.Stdout))
	}
	// Output:
	// exit 0
	// exit 0
	// sim: -dims 7: must be 2 or 3
	// exit 2
	// sim: write layout.png: disk full
	// exit 1
}
