package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	ExitOK      = 0 // success, or -h
	ExitFailure = 1 // the command failed
	ExitUsage   = 2 // bad flags, arguments or input
)

// Error is an error that sets the command's exit code.
type Error struct {
	Code int
	Err  error
	// Reported means the message is already on stderr (the flag package
	// prints its own errors), so Report does not print it again.
	Reported bool
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Usage marks err as a usage error (exit code 2); nil stays nil.
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: ExitUsage, Err: err}
}

// Usagef is Usage(fmt.Errorf(format, a...)).
func Usagef(format string, a ...any) error { return Usage(fmt.Errorf(format, a...)) }

// Parse parses args with fs, which should use flag.ContinueOnError and
// write to the command's stderr. -h and -help return flag.ErrHelp (exit 0,
// after fs printed the usage); a bad flag returns a usage error that the
// flag package has already printed with the usage.
func Parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return &Error{Code: ExitUsage, Err: err, Reported: true}
}

// Code returns the exit code for err, as the package doc describes.
func Code(err error) int {
	var e *Error
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &e):
		return e.Code
	}
	return ExitFailure
}

// Report prints err on w as one line "name: error" (unless it is nil, -h
// or already reported) and returns its exit code.
func Report(name string, err error, w io.Writer) int {
	code := Code(err)
	var e *Error
	if code != ExitOK && !(errors.As(err, &e) && e.Reported) {
		fmt.Fprintf(w, "%s: %v\n", name, err)
	}
	return code
}

// RunFunc is the shape of a command's run function.
type RunFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

// Main runs run with the process's arguments and standard streams, and a
// context cancelled by SIGINT or SIGTERM, then exits with Report's code.
func Main(name string, run RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(Report(name, err, os.Stderr))
}
