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
