package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/cli"
)

func TestRunExitCodes(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string // in stderr or the error
	}{
		{[]string{"-h"}, 0, "Usage of example"},
		{[]string{"-loss", "1"}, 2, "-loss 1: must be in [0, 1)"},
		{[]string{"-n", "-1"}, 2, "-n -1: must be >= 0"},
		{[]string{"-what"}, 2, "flag provided but not defined: -what"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), c.args, nil, &stdout, &stderr)
		code := cli.Report("example", err, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) || stdout.Len() != 0 {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want exit %d with %q", c.args, code, stderr.String(), stdout.String(), c.code, c.want)
		}
	}
}

func TestRunReportsEveryMessage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-n", "6", "-loss", "0.3", "-seed", "3"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v (stderr %q)", err, stderr.String())
	}
	out := stdout.String()
	m := regexp.MustCompile(`\n(\d+) of 6 delivered, (\d+) reported undelivered, 0 lost silently\n`).FindStringSubmatch(out)
	if m == nil || strings.Count(out, "attempts=") != 6 || stderr.Len() != 0 {
		t.Fatalf("output lacks the summary of 6 outcomes:\n%s\nstderr %q", out, stderr.String())
	}
}
