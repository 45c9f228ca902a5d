package cli_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/cli"
)

// toolRun is a small command: -mode picks what it returns.
func toolRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", "ok", "ok, fail, usage or code7")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	switch *mode {
	case "ok":
		fmt.Fprintln(stdout, "done")
		return nil
	case "fail":
		return errors.New("disk on fire")
	case "usage":
		return cli.Usagef("-dims 7: must be 2 or 3")
	case "code7":
		return &cli.Error{Code: 7, Err: errors.New("custom")}
	}
	return cli.Usagef("-mode %q: unknown", *mode)
}

func TestCodeAndReport(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stderr string // exact, or a prefix when it ends in "..."
	}{
		{nil, 0, ""},
		{[]string{"-h"}, 0, "Usage of tool:..."},
		{[]string{"-help"}, 0, "Usage of tool:..."},
		{[]string{"-mode", "fail"}, 1, "tool: disk on fire\n"},
		{[]string{"-mode", "usage"}, 2, "tool: -dims 7: must be 2 or 3\n"},
		{[]string{"-mode", "code7"}, 7, "tool: custom\n"},
		{[]string{"-nope"}, 2, "flag provided but not defined: -nope\nUsage of tool:..."},
		{[]string{"-mode"}, 2, "flag needs an argument: -mode\n..."},
	} {
		var stdout, stderr bytes.Buffer
		err := toolRun(context.Background(), c.args, nil, &stdout, &stderr)
		code := cli.Report("tool", err, &stderr)
		if code != c.code || !match(stderr.String(), c.stderr) {
			t.Errorf("%q: code %d, stderr %q; want %d, %q", c.args, code, stderr.String(), c.code, c.stderr)
		}
		// A reported flag error is printed once, by the flag package.
		if strings.Count(stderr.String(), "flag provided") > 1 || strings.Count(stderr.String(), "tool: ") > 1 {
			t.Errorf("%q: message printed twice: %q", c.args, stderr.String())
		}
	}
	if cli.Usage(nil) != nil {
		t.Error("Usage(nil) != nil")
	}
	wrapped := fmt.Errorf("reading: %w", cli.Usage(os.ErrNotExist))
	if cli.Code(wrapped) != 2 || !errors.Is(wrapped, os.ErrNotExist) {
		t.Error("a wrapped usage error lost its code or its cause")
	}
}

func match(got, want string) bool {
	if p, ok := strings.CutSuffix(want, "..."); ok {
		return strings.HasPrefix(got, p)
	}
	return got == want
}

// TestMainExits runs the test binary as the tool, through cli.Main, and
// checks the process's exit status and streams.
func TestMainExits(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip("no executable path:", err)
	}
	for _, c := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"-mode", "ok"}, 0, "done\n", ""},
		{[]string{"-h"}, 0, "", "Usage of tool:..."},
		{[]string{"-mode", "fail"}, 1, "", "tool: disk on fire\n"},
		{[]string{"-mode", "usage"}, 2, "", "tool: -dims 7: must be 2 or 3\n"},
		{[]string{"-bad"}, 2, "", "flag provided but not defined: -bad\n..."},
	} {
		cmd := exec.Command(exe, c.args...)
		cmd.Env = append(os.Environ(), "CLI_TEST_AS_COMMAND=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.code || stdout.String() != c.stdout || !match(stderr.String(), c.stderr) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.args, code, stdout.String(), stderr.String(), c.code, c.stdout, c.stderr)
		}
	}
}
