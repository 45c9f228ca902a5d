// Package cli holds the exit-code convention of the project's commands, the
// shape govulncheck and the go command use: main is one line,
//
//	func main() { cli.Main("sim", run) }
//
// and run(ctx, args, stdin, stdout, stderr) error does the work, so tests can
// call it with buffers. Flags live in a flag.NewFlagSet with ContinueOnError,
// parsed by Parse. The exit code comes from the error run returns: nil or
// flag.ErrHelp (-h) exit 0, a usage error (Usage, Usagef, a bad flag) exits
// 2, an *Error its Code, and any other error 1. Main prints "name: error" on
// stderr, one line and no stack trace.
package cli
