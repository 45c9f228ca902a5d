package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestServe: sim -serve=ADDR keeps the layout running behind the live
// view's API: the state moves, a pin is taken and an unknown id refused
// with 400, /metrics parses, and SIGINT ends it cleanly (exit 0) with the
// delivery summary printed.
func TestServe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "-serve="+addr, "-generate", "ba:500:2", "-q", "-backend", "cpu")
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := "http://" + addr
	var state struct {
		Iteration uint64
		Backend   string
	}
	deadline := time.Now().Add(60 * time.Second)
	for state.Iteration == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no progress on %s; stderr:\n%s", addr, stderr.String())
		}
		if r, err := http.Get(base + "/api/state"); err == nil {
			_ = json.NewDecoder(r.Body).Decode(&state)
			r.Body.Close()
		}
		time.Sleep(20 * time.Millisecond) // polling a server that comes up on its own time
	}
	post := func(path, body string) (int, string) {
		r, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if code, body := post("/api/pin", `{"id":3,"x":1,"y":2,"z":3}`); code != 200 {
		t.Errorf("pin: %d %s", code, body)
	}
	if code, body := post("/api/pin", `{"id":`+strconv.Itoa(1e6)+`,"x":1,"y":2}`); code != 400 || !strings.Contains(body, "unknown node id") {
		t.Errorf("pin of an unknown id: %d %s", code, body)
	}
	r, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bufio.NewReader(r.Body))
	r.Body.Close()
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	if _, ok := fams["protoack_messages_ack_latency_seconds"]; !ok {
		t.Errorf("/metrics lacks the ack latency histogram: %d families", len(fams))
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGINT: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGINT")
	}
	for _, want := range []string{"live view on http://" + addr, "ComputeForces", "UpdateNodePositions", "pending 0"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(stderr.String(), "arrived untracked") {
		t.Errorf("stderr: %s", stderr.String())
	}
}
