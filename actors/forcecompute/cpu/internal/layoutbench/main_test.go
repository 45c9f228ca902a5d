package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	edges := filepath.Join(dir, "g.edges")
	if err := os.WriteFile(edges, []byte("0 1\n1 2\n2 3\n3 0\n0 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pos.txt")
	var stdout, stderr bytes.Buffer
	err := run([]string{"-edges", edges, "-dims", "2", "-ticks", "20", "-repeat", "2", "-quality", "-settle", "1e9", "-out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v (stderr %q)", err, stderr.String())
	}
	var r result
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	if r.Nodes != 4 || r.Edges != 5 || r.Dims != 2 || r.Ticks != 20 || r.SettledAt != 1 || !(r.MsPerTick > 0) || !(r.EdgeCV > 0) {
		t.Errorf("result %+v", r)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 4 || len(strings.Fields(lines[3])) != 3 || !strings.HasPrefix(lines[3], "3 ") {
		t.Errorf("positions file %q", data)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.edges")
	if err := os.WriteFile(bad, []byte("0 1\n1 x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	var u usageError
	if err := run([]string{"-ticks", "5"}, &stdout, &stderr); !errors.As(err, &u) {
		t.Errorf("missing -edges: %v, want a usage error", err)
	}
	if err := run([]string{"-nope"}, &stdout, &stderr); !errors.As(err, &u) {
		t.Errorf("unknown flag: %v, want a usage error", err)
	}
	if err := run([]string{"-h"}, &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
	if err := run([]string{"-edges", bad}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "bad.edges:2:") {
		t.Errorf("bad edge list: %v, want file:line", err)
	}
	if err := run([]string{"-edges", bad + ".missing"}, &stdout, &stderr); err == nil {
		t.Error("missing file accepted")
	}
	good := filepath.Join(dir, "g.edges")
	os.WriteFile(good, []byte("0 1\n"), 0o644)
	if err := run([]string{"-edges", good, "-theta", "-1"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "Theta") {
		t.Errorf("bad theta: %v, want it named", err)
	}
}
