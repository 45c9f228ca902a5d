// Command gpu-check holds the CUDA kernel to its host emulation and to the
// CPU kernel on a GPU machine, checks its tree, and times it against the
// goals. make gpu-check builds it, statically linked against cudart (it
// needs only libc and the NVIDIA driver), into build/gpu-check with the
// conformance test binary and run.sh, the one script to run there:
//
//	gpu-check [-sections emulation,cpu,quality,timing] [-sizes 10000,100000,1000000]
//	          [-ticks 20] [-settle 300] [-cpu=true] [-device cuda]
//
// Each section runs in a child process (gpu-check -section NAME), so a
// sticky CUDA error or a crash loses only the rest of that section, and a
// hang only -timeout (10m); rows are written as they are computed. A failing case is run again alone with
// CUDA_LAUNCH_BLOCKING=1, so its error names the kernel that failed. The
// last line is the summary against the goals.
//
// Exit status: 0 when every check passes and every goal is met, 1 when a
// check fails, a goal is missed or no GPU can be used (the reason is
// printed), 2 on a usage error. -device emulated, cpu or cpu-skewed (forces
// off by 1%, which must FAIL) run the same sections without a GPU.
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
