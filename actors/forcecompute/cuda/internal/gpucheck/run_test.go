package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cuda"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-sizes", "10,x"}, {"-ticks", "0"}, {"-nope"}, {"-device", "tpu"},
		{"-sections", "emulation,bogus"}, {"-settle", "-1"}, {"extra"}, {"-timeout", "0s"}} {
		var out, errb bytes.Buffer
		if code := exitCode(run(args, &out, &errb), &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := exitCode(run([]string{"-h"}, &out, &errb), &errb); code != 0 {
		t.Errorf("-h: exit %d, want 0", code)
	}
}

// Without a usable GPU, gpu-check fails with the reason; with one, this
// test leaves the full run to the binary itself.
func TestNoGPU(t *testing.T) {
	ok, reason := cuda.Available()
	if ok {
		t.Skip("a GPU is usable: run build/gpu-check/run.sh for the full check")
	}
	var out, errb bytes.Buffer
	code := exitCode(run(nil, &out, &errb), &errb)
	if code != 1 || !strings.Contains(errb.String(), "no usable GPU: "+reason) {
		t.Fatalf("exit %d, stderr %q; want 1 and the reason %q", code, errb.String(), reason)
	}
}

// small runs every section quickly.
var small = []string{"-sizes", "3000", "-ticks", "2", "-settle", "5", "-emu-sizes", "300",
	"-force-sizes", "300", "-quality-sizes", "300"}

// runChildren runs gpu-check with args, its sections in child processes
// (this test binary, as TestMain arranges), and returns exit code and output.
func runChildren(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	childEnv = append([]string{"GPU_CHECK_CHILD=1"}, env...)
	defer func() { childEnv = nil }()
	var out, errb bytes.Buffer
	code := exitCode(run(args, &out, &errb), &errb)
	s := out.String() + errb.String()
	t.Log("\n" + s)
	return code, s
}

// The whole run, with the CPU kernel standing in for the device: every
// section prints its rows in a child process and every check passes.
func TestCPUAsDevicePasses(t *testing.T) {
	code, s := runChildren(t, nil, append([]string{"-device", "cpu"}, small...)...)
	if code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	for _, want := range []string{"== emulation", "== cpu", "== quality", "== timing", "3k nodes",
		"positions and kinetic energy", "SUMMARY: checks ", " 0 failed", "; PASS"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(s, "FAIL") || strings.Contains(s, "\n@") {
		t.Error("a FAIL or an '@' line in the output")
	}
}

// A device whose forces are off by 1% must fail the emulation and CPU
// gates, have its failing cases rerun with CUDA_LAUNCH_BLOCKING=1, and end
// in a FAIL summary and exit status 1.
func TestSkewedDeviceFails(t *testing.T) {
	code, s := runChildren(t, nil, append([]string{"-device", "cpu-skewed", "-sections", "emulation,cpu"}, small...)...)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, re := range []string{
		`emulation/3D/n300/seed1/theta0\.9/defaults +error 1\.00e-02 +FAIL`,
		`cpu/2D/n300/seed1/theta0\.0/defaults +error 1\.00e-02 \(<= 0\.001\) +FAIL`,
		`rerun of emulation/2D/n300/seed1/theta0\.9/defaults alone with CUDA_LAUNCH_BLOCKING=1`,
		`SUMMARY: checks \d+ passed, [1-9]\d* failed; goals: none timed; FAIL`,
	} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("output lacks %s", re)
		}
	}
}

// A child that dies in a case loses only the rest of its section: the case
// is failed by name, rerun, and the next section still runs.
func TestCrashedSectionIsContained(t *testing.T) {
	const victim = "emulation/2D/n300/seed1/theta0.0/defaults"
	code, s := runChildren(t, []string{"GPU_CHECK_CRASH_AT=" + victim},
		append([]string{"-device", "cpu", "-sections", "emulation,cpu"}, small...)...)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{
		"emulation/2D/n300/seed1/theta0.9/defaults", // before the crash
		"the child process ended in case " + victim,
		"rerun of " + victim,
		"== cpu", "cpu/3D/n300/seed1/theta0.9/repulsion-only",
		"SUMMARY: checks ", " 1 failed",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// A child that hangs is killed after -timeout; its case fails by name and
// the run goes on to the summary. (The hang is the only section's first
// case, so nothing but the child's start has to fit in the timeout.)
func TestHungSectionIsKilled(t *testing.T) {
	const victim = "cpu/2D/n300/seed1/theta0.0/defaults"
	code, s := runChildren(t, []string{"GPU_CHECK_HANG_AT=" + victim},
		append([]string{"-device", "cpu", "-sections", "cpu", "-timeout", "3s"}, small...)...)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"the child process ended in case " + victim, "killed after -timeout=3s",
		"rerun of " + victim, "SUMMARY: checks 0 passed, 1 failed"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// A missed goal fails the run even when every check passes.
func TestMissedGoalFails(t *testing.T) {
	tl := tally{passed: 3, goals: []goal{{"100k-early", 0.8, 1}, {"1M-settled", 5.5, 5}}}
	line, ok := tl.summary()
	want := "SUMMARY: checks 3 passed, 0 failed; goals: 100k-early 0.800 ms (<= 1) met, 1M-settled 5.500 ms (<= 5) MISSED; FAIL"
	if ok || line != want {
		t.Errorf("summary %q, %v; want %q, false", line, ok, want)
	}
	tl.goals = tl.goals[:1]
	if line, ok := tl.summary(); !ok || !strings.HasSuffix(line, "; PASS") {
		t.Errorf("summary %q, %v; want PASS", line, ok)
	}
}

// The parent reads a child's results from its '@' lines and echoes the rest.
func TestScan(t *testing.T) {
	in := "row 1\n@start a\n@pass a\n@start b\n@fail b\n@goal 1M-early 4.5 5\n@start c\nrow 2\n"
	var tl tally
	var out bytes.Buffer
	tl.scan(strings.NewReader(in), &out, "> ")
	if out.String() != "> row 1\n> row 2\n" {
		t.Errorf("echoed %q", out.String())
	}
	if tl.passed != 1 || tl.failed != 1 || len(tl.failedCases) != 1 || tl.failedCases[0] != "b" ||
		len(tl.goals) != 1 || tl.goals[0] != (goal{"1M-early", 4.5, 5}) || tl.started != "c" {
		t.Errorf("tally %+v", tl)
	}
}
