package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/cuda"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-sizes", "10,x"}, {"-ticks", "0"}, {"-nope"}} {
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
		t.Skip("a GPU is usable: run bin/gpu-check for the full check")
	}
	var out, errb bytes.Buffer
	code := exitCode(run(nil, &out, &errb), &errb)
	if code != 1 || !strings.Contains(errb.String(), "no usable GPU: "+reason) {
		t.Fatalf("exit %d, stderr %q; want 1 and the reason %q", code, errb.String(), reason)
	}
}

// The whole check, with the CPU kernel standing in for the device: every
// table is printed and every check passes (the two kernels are the same).
func TestCheckWithCPUAsDevice(t *testing.T) {
	cfg := config{
		sizes:        []int{3000},
		ticks:        2,
		cpu:          true,
		forceSizes:   []int{300},
		qualitySizes: []int{300},
		ref:          openCPU,
		dev:          openCPU,
	}
	var out bytes.Buffer
	if err := check(cfg, &out); err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	s := out.String()
	t.Log("\n" + s)
	for _, want := range []string{"forces after one tick", "layout quality", "timing, 3D", "all checks passed"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(s, "FAIL") {
		t.Error("a check failed with identical kernels")
	}
}
