package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/cli"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	edges := filepath.Join(dir, "g.edges")
	if err := os.WriteFile(edges, []byte("0 1\n1 2\n2 3\n3 0\n0 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pos.txt")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-edges", edges, "-dims", "2", "-ticks", "20", "-repeat", "2", "-quality", "-settle", "1e9", "-out", out}, nil, &stdout, &stderr)
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
	good := filepath.Join(dir, "g.edges")
	if err := os.WriteFile(good, []byte("0 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short.txt")
	if err := os.WriteFile(short, []byte("id,x,y\n0,1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string // in the error
	}{
		{[]string{"-h"}, 0, "help requested"},
		{[]string{"-ticks", "5"}, 2, "need -edges FILE"},
		{[]string{"-nope"}, 2, "-nope"},
		{[]string{"-edges", bad}, 2, "bad.edges:2:"},
		{[]string{"-edges", bad + ".missing"}, 2, "no such file"},
		{[]string{"-edges", good, "-theta", "-1"}, 2, "Theta"},
		{[]string{"-edges", good, "-dims", "2", "-score", bad}, 2, "bad.edges:1: want \"id x y\""},
		{[]string{"-edges", good, "-dims", "2", "-score", short}, 2, "node 1 has no position"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), c.args, nil, &stdout, &stderr)
		if code := cli.Code(err); code != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: exit code %d, error %v; want %d and %q", c.args, code, err, c.code, c.want)
		}
	}
}

// TestScoreAndMultilevel lays out a graph from a multilevel start, then
// scores the written drawing with -score: the measures agree.
func TestScoreAndMultilevel(t *testing.T) {
	dir := t.TempDir()
	edges := filepath.Join(dir, "g.edges")
	var sb strings.Builder
	for i := 0; i < 1500; i++ { // a 1500-ring and a 100-ring: two components
		fmt.Fprintf(&sb, "%d %d\n", i, (i+1)%1500)
	}
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&sb, "%d %d\n", 1500+i, 1500+(i+1)%100)
	}
	if err := os.WriteFile(edges, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pos.txt")
	var a, b result
	for _, c := range []struct {
		args []string
		r    *result
	}{
		{[]string{"-edges", edges, "-dims", "2", "-ticks", "30", "-multilevel", "-quality", "-out", out}, &a},
		{[]string{"-edges", edges, "-dims", "2", "-score", out}, &b},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), c.args, nil, &stdout, &stderr); err != nil {
			t.Fatalf("%q: %v (stderr %q)", c.args, err, stderr.String())
		}
		if err := json.Unmarshal(stdout.Bytes(), c.r); err != nil {
			t.Fatal(err)
		}
	}
	if a.StartTick == 0 || !(a.StartMs > 0) || !(a.Spread > 0) {
		t.Errorf("multilevel run %+v: want start_tick, start_ms and comp_spread", a)
	}
	if b.Backend != "file" || b.EdgeCV != a.EdgeCV || b.Stress != a.Stress || b.Spread != a.Spread {
		t.Errorf("scored %+v, run measured %+v", b, a)
	}
}
