// Command gpu-check holds the CUDA kernel to the CPU kernel on a GPU machine
// and times it. It is built by make gpu-check as one self-contained binary
// (static cudart, needs only libc and the NVIDIA driver) to copy there:
//
//	gpu-check [-sizes 10000,100000,1000000] [-ticks 20] [-cpu=true]
//
// Exit status: 0 when every check passes, 1 when one fails or no GPU can be
// used (the reason is printed), 2 on a usage error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// usageError is a bad command line (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "gpu-check:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
