package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Remote tests run two OS processes on 127.0.0.1 from the built binary:
// `sim compute` (a node) and `sim -compute` (the orchestrator).

// remoteWait bounds every wait on a process; nothing sleeps.
const remoteWait = 60 * time.Second

// freeAddr is 127.0.0.1 and a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// node is one `sim compute -v` process. Its -v lines (the tracked
// messages its ForceCompute handled) are collected.
type node struct {
	cmd  *exec.Cmd
	out  bytes.Buffer
	mu   sync.Mutex
	log  []string
	seqs chan uint64 // ComputeForces seq, as handled
	done chan error
}

var seqRE = regexp.MustCompile(`fc: ComputeForces seq=(\d+)`)

func startNode(t testing.TB, addr string, extra ...string) *node {
	t.Helper()
	n := &node{cmd: exec.Command(bin, append([]string{"compute", "-listen", addr, "-v"}, extra...)...), seqs: make(chan uint64, 1<<16), done: make(chan error, 1)}
	stdout, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := n.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.cmd.Process.Kill(); <-n.done; n.done <- nil })
	ready := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "sim compute: ForceCompute at") {
				ready <- sc.Text()
			}
			n.mu.Lock()
			n.out.WriteString(sc.Text() + "\n")
			n.mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			n.mu.Lock()
			n.log = append(n.log, line)
			n.mu.Unlock()
			if m := seqRE.FindStringSubmatch(line); m != nil {
				seq, _ := strconv.ParseUint(m[1], 10, 64)
				n.seqs <- seq
			}
		}
	}()
	go func() { wg.Wait(); n.done <- n.cmd.Wait() }()
	select {
	case line := <-ready:
		if want := "at " + addr + "/" + computeName; !strings.Contains(line, want) {
			t.Fatalf("node says %q, want %q", line, want)
		}
	case err := <-n.done:
		n.done <- err
		t.Fatalf("node exited before ready: %v\n%s", err, n.lines())
	case <-time.After(remoteWait):
		t.Fatal("node not ready")
	}
	return n
}

func (n *node) lines() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.log, "\n")
}

// untilSeq waits for the node to handle ComputeForces seq >= s.
func (n *node) untilSeq(t testing.TB, s uint64) {
	t.Helper()
	deadline := time.After(remoteWait)
	for {
		select {
		case got := <-n.seqs:
			if got >= s {
				return
			}
		case <-deadline:
			t.Fatalf("node did not reach step %d", s)
		}
	}
}

// kill SIGKILLs the node and waits for it to be gone.
func (n *node) kill(t testing.TB) {
	t.Helper()
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-n.done
	n.done <- err
}

// stop SIGTERMs the node, which must exit 0 saying it stopped.
func (n *node) stop(t testing.TB) {
	t.Helper()
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-n.done:
		n.done <- err
	case <-time.After(remoteWait):
		t.Fatal("node did not stop on SIGTERM")
	}
	n.mu.Lock()
	out := n.out.String()
	n.mu.Unlock()
	if err != nil || !strings.Contains(out, "sim compute: stopped") {
		t.Errorf("node on SIGTERM: %v, stdout %q", err, out)
	}
}

// orchestrator is a `sim -compute ... -json` run in the background.
type orchestrator struct {
	stdout, stderr bytes.Buffer
	done           chan error
}

func startOrchestrator(t *testing.T, args ...string) *orchestrator {
	t.Helper()
	o := &orchestrator{done: make(chan error, 1)}
	cmd := exec.Command(bin, append([]string{"-json", "-q", "-png", "", "-out", ""}, args...)...)
	cmd.Dir = t.TempDir()
	cmd.Stdout, cmd.Stderr = &o.stdout, &o.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { o.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return o
}

// remoteSummary is the -json summary with its remote section.
type remoteSummary struct {
	summary
	Kinds []struct {
		Kind                                                           string
		Sent, Acked, Failed, Exhausted, Undeliverable, Abandoned, Lost uint64
	}
	Remote *struct {
		Compute, Address      string
		NodeDown              int `json:"node_down"`
		Local                 bool
		Recoveries, Recovered int
	}
}

// wait waits for the run's end (exit 0) and returns its summary, whose
// every tracked message, in all and per kind, was acked or reported.
func (o *orchestrator) wait(t *testing.T) remoteSummary {
	t.Helper()
	select {
	case err := <-o.done:
		if err != nil {
			t.Fatalf("orchestrator: %v\nstderr:\n%s", err, o.stderr.String())
		}
	case <-time.After(remoteWait):
		t.Fatalf("orchestrator did not finish\nstderr:\n%s", o.stderr.String())
	}
	var s remoteSummary
	if err := json.Unmarshal(o.stdout.Bytes(), &s); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, o.stdout.String())
	}
	if s.Remote == nil {
		t.Fatalf("no remote section: %s", o.stdout.String())
	}
	d := s.Delivery
	if d.Sent == 0 || d.Sent != d.Acked+d.Failed+d.Exhausted+d.Undeliverable+d.Abandoned || d.Pending != 0 || d.Lost != 0 {
		t.Errorf("not every tracked message acked or reported: %+v", d)
	}
	var sent uint64
	for _, k := range s.Kinds {
		sent += k.Sent
		if k.Sent != k.Acked+k.Failed+k.Exhausted+k.Undeliverable+k.Abandoned || k.Lost != 0 {
			t.Errorf("%s does not reconcile: %+v", k.Kind, k)
		}
	}
	if sent != d.Sent {
		t.Errorf("kinds sent %d, total %d", sent, d.Sent)
	}
	return s
}

// count returns how many of the node's -v lines match re, and the first
// submatch of the first one.
func count(lines, re string) (int, string) {
	r := regexp.MustCompile(re)
	first := ""
	all := r.FindAllStringSubmatch(lines, -1)
	if len(all) > 0 && len(all[0]) > 1 {
		first = all[0][1]
	}
	return len(all), first
}

// TestComputeNodeKillRestart: the compute node is SIGKILLed mid-run and
// started again on its address. The orchestrator notices, re-uploads the
// graph and the positions and tick count it held to the new process, and
// completes exactly the ticks asked for there: every step was handled by
// the first node or the second, none twice after the restart and none
// lost, and every tracked message is acked or reported.
func TestComputeNodeKillRestart(t *testing.T) {
	const ticks = 300
	addr := freeAddr(t)
	first := startNode(t, addr)
	o := startOrchestrator(t, "-compute", addr, "-generate", "ba:3000:2", "-ticks", strconv.Itoa(ticks), "-backend", "cpu", "-compute-timeout", "10m")
	first.untilSeq(t, 40)
	first.kill(t)
	second := startNode(t, addr)
	s := o.wait(t)
	second.stop(t)

	if s.Ticks != ticks || s.Backend != "cpu@"+addr {
		t.Errorf("ticks %d on %q, want %d on cpu@%s", s.Ticks, s.Backend, ticks, addr)
	}
	r := s.Remote
	if r.Compute != addr || r.NodeDown < 1 || r.Local || r.Recovered < 1 || s.Recoveries < 1 {
		t.Errorf("remote %+v, recoveries %d: want the node down, a recovery, no local kernel", *r, s.Recoveries)
	}
	if d := s.Delivery; d.Failed+d.Undeliverable+d.Exhausted == 0 {
		t.Errorf("delivery %+v: the kill was not reported", d)
	}
	if !strings.Contains(o.stderr.String(), "sim: recovered at tick") {
		t.Errorf("stderr does not tell the recovery:\n%s", o.stderr.String())
	}

	// The second node got the whole state, then only new steps.
	log2 := second.lines()
	inits, _ := count(log2, `fc: InitializeGPU backend=cpu`)
	graphs, nodes := count(log2, `fc: UpdateGPUGraphData nodes=(\d+)`)
	restores, at := count(log2, `fc: UpdateNodePositions bytes=36000 ticks=(\d+)`)
	if inits != 1 || graphs != 1 || nodes != "3000" || restores != 1 {
		t.Fatalf("second node: %d InitializeGPU, %d graphs (%s nodes), %d restores; log:\n%.2000s", inits, graphs, nodes, restores, log2)
	}
	restored, _ := strconv.Atoi(at)
	steps2, _ := count(log2, `fc: ComputeForces seq=\d+`)
	steps1, _ := count(first.lines(), `fc: ComputeForces seq=\d+`)
	if restored < 39 || steps2 != ticks-restored || steps1 < restored || steps1 > restored+1 {
		t.Errorf("restored at tick %d; first node handled %d steps (want %d or one more, lost with the kill), second %d (want %d)",
			restored, steps1, restored, steps2, ticks-restored)
	}
	first2 := strings.Index(log2, "fc: ComputeForces")
	if first2 < strings.Index(log2, "fc: UpdateNodePositions") {
		t.Error("second node stepped before the positions were restored")
	}
	t.Logf("restored at tick %d; delivery %+v; remote %+v", restored, s.Delivery, *r)
}

// TestComputeNodeLost: the node is SIGKILLed and never comes back. After
// -compute-timeout the orchestrator says it uses a local kernel, restores
// the layout there and completes the ticks asked for.
func TestComputeNodeLost(t *testing.T) {
	const ticks = 200
	addr := freeAddr(t)
	n := startNode(t, addr)
	o := startOrchestrator(t, "-compute", addr, "-generate", "ba:2000:2", "-ticks", strconv.Itoa(ticks), "-backend", "cpu", "-compute-timeout", "1s")
	n.untilSeq(t, 30)
	n.kill(t)
	s := o.wait(t)
	if s.Ticks != ticks || s.Backend != "cpu" || !s.Remote.Local || s.Remote.NodeDown < 1 {
		t.Errorf("ticks %d on %q, remote %+v: want %d on the local cpu kernel", s.Ticks, s.Backend, *s.Remote, ticks)
	}
	if want := fmt.Sprintf("ForceCompute node %s not recovered within 1s; using a local kernel", addr); !strings.Contains(o.stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, o.stderr.String())
	}
}

// TestComputeNodeLossy: the node drops 20% of the tracked messages that
// arrive and 20% of the acks it sends back, and handles 10% twice. Over
// the network the orchestrator re-sends and the node de-duplicates: every
// step is handled exactly once on the node, the run completes its ticks,
// and every message is acked or reported.
func TestComputeNodeLossy(t *testing.T) {
	const ticks = 150
	addr := freeAddr(t)
	n := startNode(t, addr, "-drop", "0.2", "-dup", "0.1", "-seed", "3")
	s := startOrchestrator(t, "-compute", addr, "-ack-timeout", "100ms", "-generate", "ba:1000:2", "-ticks", strconv.Itoa(ticks), "-backend", "cpu").wait(t)
	n.stop(t)
	if s.Ticks != ticks || s.Delivery.Retried == 0 {
		t.Errorf("ticks %d, %d re-sends: want %d ticks and re-sends", s.Ticks, s.Delivery.Retried, ticks)
	}
	n.mu.Lock()
	out := n.out.String()
	n.mu.Unlock()
	var delivered, dropped, duplicated, acks, acksDropped int
	if _, err := fmt.Sscanf(out[max(0, strings.Index(out, "sim compute: faults:")):], "sim compute: faults: %d delivered, %d dropped, %d duplicated; %d acks, %d dropped",
		&delivered, &dropped, &duplicated, &acks, &acksDropped); err != nil || dropped == 0 || duplicated == 0 || acksDropped == 0 {
		t.Fatalf("node's fault counts (%v): %q", err, out)
	}
	seen := map[string]int{}
	for _, m := range seqRE.FindAllStringSubmatch(n.lines(), -1) {
		seen[m[1]]++
	}
	for seq, c := range seen {
		if c != 1 {
			t.Errorf("step %s handled %d times on the node", seq, c)
		}
	}
	if len(seen) < ticks {
		t.Errorf("%d steps handled on the node, want at least %d", len(seen), ticks)
	}
	t.Logf("node: %d delivered, %d dropped, %d duplicated, %d of %d acks dropped; orchestrator: %+v", delivered, dropped, duplicated, acksDropped, acks, s.Delivery)
}

// TestComputeLargeGraph: a 1M-node, 2M-edge graph (about 50 MB of
// UpdateGPUGraphData, 12 MB of positions in each StepCompleted) crosses
// to the node and back, above gRPC's 4 MB default limit, acked once.
func TestComputeLargeGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("1M nodes: not with -short")
	}
	addr := freeAddr(t)
	n := startNode(t, addr)
	s := startOrchestrator(t, "-compute", addr, "-generate", "ba:1000000:2", "-ticks", "1", "-backend", "cpu").wait(t)
	n.stop(t)
	if s.Nodes != 1000000 || s.Edges < 1999000 || s.Ticks != 1 || s.Backend != "cpu@"+addr || s.Recoveries != 0 {
		t.Errorf("summary %+v", s.summary)
	}
	for _, k := range s.Kinds {
		if k.Kind == "UpdateGPUGraphData" && (k.Sent != 1 || k.Acked != 1) {
			t.Errorf("graph upload %+v: want sent and acked once", k)
		}
	}
}

// TestComputeUsage: bad remote flags are usage errors naming the flag.
func TestComputeUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-compute", "nohost"}, "-compute \"nohost\": want HOST:PORT"},
		{[]string{"-compute", "127.0.0.1:0"}, "-compute \"127.0.0.1:0\": bad port"},
		{[]string{"-compute", "127.0.0.1:1", "-drop", "0.1"}, "not with -compute"},
		{[]string{"-compute", "127.0.0.1:1", "-compute-timeout", "-1s"}, "-compute-timeout -1s: must be >= 0"},
		{[]string{"-compute", "127.0.0.1:1", "-listen", "0.0.0.0:0"}, "needs an advertised host"},
		{[]string{"compute", "-listen", "x"}, "-listen \"x\": want HOST:PORT"},
		{[]string{"compute", "-listen", "0.0.0.0:0"}, "needs an advertised host"},
		{[]string{"compute", "-backend", "gpu"}, "-backend gpu"},
	} {
		_, stderr, code := sim(t, t.TempDir(), "", c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("sim %v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}
