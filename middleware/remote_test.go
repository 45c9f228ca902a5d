package middleware

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"github.com/protoack/protoack/internal/cputime"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// The receiving system of TestRemoteRestart runs in a child process (this
// test binary, running TestRemoteNode): protoactor's remote.Start sets
// grpc's global logger while other remotes' grpc goroutines read it, a
// data race whenever two remotes share a process.
const nodeEnv = "PROTOACK_REMOTE_NODE" // "port senderAddress"

// nodeOldAcksEnv makes the child's acks say nothing of batches, as a
// node of an earlier version's do (TestRemoteOldReceiver).
const nodeOldAcksEnv = "PROTOACK_NODE_OLD_ACKS"

// nodeProfileEnv names a file for a CPU profile of the child process.
const nodeProfileEnv = "PROTOACK_NODE_CPUPROFILE"

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startRemote starts an actor system with remote on 127.0.0.1:port. Its
// dials block until connected: protoactor's endpoint writer dials a new
// grpc.ClientConn on each connect attempt and drops the last one without
// closing it, so every failed attempt would leak that conn's goroutines.
func startRemote(port int) (*actor.ActorSystem, *remote.Remote) {
	return startRemoteLogging(port, quietLogger)
}

// startRemoteLogging is startRemote with the system's logger factory.
func startRemoteLogging(port int, logger func(*actor.ActorSystem) *slog.Logger) (*actor.ActorSystem, *remote.Remote) {
	sys := actor.NewActorSystem(actor.WithDeadLetterThrottleInterval(time.Millisecond), actor.WithLoggerFactory(logger))
	r := remote.NewRemote(sys, remote.Configure("127.0.0.1", port, remote.WithDialOptions(
		grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithBlock(),
		grpc.WithContextDialer(countingDial))))
	r.Start()
	return sys, r
}

// wireBytes counts the bytes this process wrote on the connections its
// remotes dialed: what it sent to other nodes, for the benchmarks.
var wireBytes atomic.Int64

func countingDial(ctx context.Context, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return countingConn{c}, nil
}

type countingConn struct{ net.Conn }

func (c countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	wireBytes.Add(int64(n))
	return n, err
}

// TestRemoteNode is the child process of TestRemoteRestart; it is skipped
// otherwise. It hosts "worker", printing "P <seq>" for each message it
// processes, "echo", which answers *testpb.Plain requests (a plain
// round trip, for the benchmarks), and "sink", which counts the
// *testpb.Work it processes and answers a *testpb.Plain request (a fence:
// what came before is processed) with that count (Seq 0), with the
// bytes this process wrote to the sender (Seq 1), or with the CPU time
// this process used (Seq 2). On "drain" from stdin it stops the worker, then sends a fence
// request to the sender's "fence" actor over the same connection as its
// acks (after closing its Delivery, which sends the acks still batched),
// so that every ack it sent has reached the sender, then exits.
func TestRemoteNode(t *testing.T) {
	env := os.Getenv(nodeEnv)
	if env == "" {
		t.Skip("not a test: the node the remote tests and benchmarks start as a child process, with " + nodeEnv + " set")
	}
	portText, senderAddr, _ := strings.Cut(env, " ")
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatal(err)
	}
	stopProfile := func() {}
	if path := os.Getenv(nodeProfileEnv); path != "" { // a CPU profile of the child, for the benchmarks
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
	}
	sys, r := startRemote(port)
	var opts []Option
	if os.Getenv(nodeOldAcksEnv) != "" {
		opts = append(opts, withOldAcks())
	}
	d, err := New(sys, opts...)
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewWriter(os.Stdout)
	lines := make(chan string, 1024)
	flushed := make(chan struct{})
	go func() {
		for l := range lines {
			out.WriteString(l)
			if len(lines) == 0 {
				out.Flush()
			}
		}
		out.Flush()
		close(flushed)
	}()
	pid, err := sys.Root.SpawnNamed(actor.PropsFromFunc(func(ctx actor.Context) {
		if w, ok := ctx.Message().(*testpb.Work); ok {
			lines <- fmt.Sprintf("P %d\n", w.Seq)
		}
	}, d.PropsOption()), "worker")
	if err != nil {
		t.Fatal(err)
	}
	echo, err := sys.Root.SpawnNamed(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Plain); ok {
			ctx.Respond(&testpb.Plain{})
		}
	}), "echo")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Root.Stop(echo)
	var sunk int64
	sink, err := sys.Root.SpawnNamed(actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *testpb.Work:
			sunk++
		case *testpb.Plain:
			if ctx.Sender() == nil {
				return
			}
			if m.Seq == 1 {
				ctx.Respond(&testpb.Plain{Seq: wireBytes.Load()})
				return
			}
			if m.Seq == 2 {
				ctx.Respond(&testpb.Plain{Seq: cputime.Process()})
				return
			}
			ctx.Respond(&testpb.Plain{Seq: sunk})
		}
	}, d.PropsOption()), "sink")
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Root.Stop(sink)
	lines <- "READY\n"
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() && in.Text() != "drain" {
		if in.Text() == "stop" { // the worker stops; the node stays up
			_, _ = sys.Root.StopFuture(pid).Result()
			lines <- "STOPPED\n"
		}
	}
	_, _ = sys.Root.StopFuture(pid).Result()
	_ = d.Close() // sends the acks still batched, before the fence
	_, ferr := sys.Root.RequestFuture(actor.NewPID(senderAddr, "fence"), &testpb.Plain{}, 10*time.Second).Result()
	lines <- fmt.Sprintf("DRAINED %v\n", ferr)
	close(lines)
	<-flushed
	r.Shutdown(false)
	stopProfile()
	os.Exit(0) // no goleak check here: the parent checks its own process
}

// child is one run of TestRemoteNode.
type child struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	done    chan error
	stopped chan struct{} // the worker stopped (after stopWorker)
}

func startChild(t testing.TB, port int, senderAddr string, processed []atomic.Int32) *child {
	t.Helper()
	return startChildOf(t, os.Args[0], port, senderAddr, processed)
}

// startChildOf is startChild with the test binary bin, and env added to
// the child's environment.
func startChildOf(t testing.TB, bin string, port int, senderAddr string, processed []atomic.Int32, env ...string) *child {
	t.Helper()
	cmd := exec.Command(bin, "-test.run=^TestRemoteNode$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), nodeEnv+"="+strconv.Itoa(port)+" "+senderAddr), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: stdin, done: make(chan error, 1), stopped: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "READY":
				close(ready)
			case line == "STOPPED":
				close(c.stopped)
			case strings.HasPrefix(line, "P "):
				if seq, err := strconv.Atoi(line[2:]); err == nil && seq < len(processed) {
					processed[seq].Add(1)
				}
			case strings.HasPrefix(line, "DRAINED "):
				if line != "DRAINED <nil>" {
					t.Errorf("child: %s", line)
				}
			}
		}
		c.done <- cmd.Wait()
	}()
	select {
	case <-ready:
	case err := <-c.done:
		t.Fatalf("child exited before ready: %v", err)
	case <-time.After(testDeadline):
		t.Fatal("child not ready")
	}
	return c
}

// stopWorker stops the child's worker, and returns once it has stopped;
// the child goes on running.
func (c *child) stopWorker(t testing.TB) {
	t.Helper()
	if _, err := io.WriteString(c.stdin, "stop\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.stopped:
	case <-time.After(testDeadline):
		t.Fatal("the child's worker did not stop")
	}
}

// drain asks the child to stop processing, flush its acks and exit.
func (c *child) drain(t testing.TB) {
	t.Helper()
	if _, err := io.WriteString(c.stdin, "drain\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-c.done:
		if err != nil {
			t.Errorf("child: %v", err)
		}
	case <-time.After(testDeadline):
		_ = c.cmd.Process.Kill()
		t.Fatal("child did not exit")
	}
}

// TestRemoteRestart: tracked messages from this actor system to an actor
// on another (a child process; 127.0.0.1, different ports) are
// acknowledged over protoactor remote. Mid-stream the receiving actor
// stops (its node up), so that what is sent meanwhile becomes dead letters,
// which are re-sent after backoff (DeadLetterRetry); then the node is
// stopped and a new one started on the same address. Every message ends
// processed exactly once, or reported.
func TestRemoteRestart(t *testing.T) {
	const n, inFlight = 300, 20
	portA, portB := freePort(t), freePort(t)
	sys, gone := startSender(t, portA)

	slots := make(chan struct{}, inFlight)
	done := make(chan Outcome, n)
	pol := messaging.Policy{
		Timeout:    300 * time.Millisecond,
		MaxRetries: 30,
		Backoff:    messaging.Backoff{Base: 50 * time.Millisecond, Multiplier: 2, Max: 400 * time.Millisecond},
	}
	d, err := New(sys, Track[*testpb.Work](kindWork), WithDeadLetter(DeadLetterRetry),
		WithPolicy(kindWork, pol),
		WithOutcome(func(o Outcome) { <-slots; done <- o }))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	processed := make([]atomic.Int32, n)
	b := startChild(t, portB, sys.Address(), processed)
	target := actor.NewPID("127.0.0.1:"+strconv.Itoa(portB), "worker")
	sent := make(chan struct{})
	gate := make(chan struct{}) // the second half waits for the worker to stop
	go func() {
		defer close(sent)
		for i := range n {
			if i == n/2 {
				<-gate
			}
			slots <- struct{}{}
			d.RootContext().Send(target, &testpb.Work{Seq: int64(i)})
		}
	}()

	results := map[messaging.Result]int{}
	wait := func(k int) {
		for range k {
			select {
			case o := <-done:
				results[o.Result]++
			case <-time.After(testDeadline):
				t.Fatalf("outcomes so far %v, of %d", results, n)
			}
		}
	}
	wait(n / 3)
	// The worker stops mid-stream while its node stays up: what is sent
	// meanwhile becomes dead letters there, re-sent after backoff. Then
	// the node exits and a new one starts on the same address.
	b.stopWorker(t)
	close(gate)
	waitFor(t, "a dead letter re-sent", func() bool { return d.Tracker().Summary().Totals.Retried > 0 })
	b.drain(t)
	b = startChild(t, portB, sys.Address(), processed)
	wait(n - n/3)
	<-sent
	b.drain(t)
	// Shut the remote down only once it has forgotten both children's
	// connections: protoactor's endpoint manager, stopping, sends on a
	// reader's channel that the reader of a connection closing at that
	// moment closes (a data race, and a send on a closed channel).
	for range 2 {
		select {
		case <-gone.ch:
		case <-time.After(testDeadline):
			t.Fatal("the children's connections were not closed")
		}
	}

	twice, missing := 0, 0
	for i := range n {
		switch processed[i].Load() {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	sum := d.Tracker().Summary()
	t.Logf("outcomes %v; sender summary:\n%v", results, sum)
	if twice > 0 || missing > 0 {
		t.Errorf("%d messages processed twice, %d never processed", twice, missing)
	}
	// Dead letters during the restart are re-sent, so every message gets
	// through: nothing Undeliverable, nothing Exhausted.
	if results[messaging.ResultSuccess] != n {
		t.Errorf("outcomes %v, want %d Success", results, n)
	}
	if sum.Totals.Retried == 0 {
		t.Error("no re-send: the restart did not exercise recovery")
	}
}

// TestRemoteNotConnected: a tracked message to a node nobody listens on
// is dead-lettered by protoactor's endpoint writer, which answers the ack
// route: the message ends Undeliverable at once, long before its timeout.
// It runs in a child process of its own: a second remote in one process
// races on grpc's global logger (see startRemote).
func TestRemoteNotConnected(t *testing.T) {
	if _, child := ownProcess(t, notConnectedEnv); !child {
		return
	}
	// One connect attempt, which gives up after 300 ms (dials block, see
	// startRemote), then protoactor's endpoint writer dead-letters sends.
	sys := actor.NewActorSystem(actor.WithDeadLetterThrottleInterval(time.Millisecond), actor.WithLoggerFactory(quietLogger))
	cfg := remote.Configure("127.0.0.1", freePort(t), remote.WithDialOptions(
		grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithBlock(), grpc.WithTimeout(300*time.Millisecond)))
	cfg.MaxRetryCount = 1
	rem := remote.NewRemote(sys, cfg)
	rem.Start()
	defer sys.Shutdown()
	defer rem.Shutdown(true)
	done := make(chan Outcome, 1)
	d, err := New(sys, Track[*testpb.Work](kindWork), WithOutcome(func(o Outcome) { done <- o }),
		WithPolicy(kindWork, messaging.Policy{Timeout: time.Hour, Backoff: messaging.DefaultBackoff()}))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	target := actor.NewPID("127.0.0.1:"+strconv.Itoa(freePort(t)), "worker")
	if _, err := d.Send(d.RootContext(), target, &testpb.Work{Seq: 1}); err != nil {
		t.Fatal(err)
	}
	select {
	case o := <-done:
		if o.Result != messaging.ResultUndeliverable || !errors.Is(o.Err, ErrDeadLetter) {
			t.Errorf("outcome %v (%v), want Undeliverable by dead letter", o.Result, o.Err)
		}
	case <-time.After(testDeadline):
		t.Fatal("no outcome: the endpoint's dead letter did not reach the ack route")
	}
}

// notConnectedEnv marks the child process of TestRemoteNotConnected.
const notConnectedEnv = "PROTOACK_NOT_CONNECTED"

// ownProcess runs the calling test alone in a child process with env set
// (one remote per process: a second one races on grpc's global logger, see
// startRemote) and reports whether this is that child, which runs the
// test's body. Otherwise it fails t unless the child passed, and returns
// the child's output.
func ownProcess(t *testing.T, env string) (out string, child bool) {
	t.Helper()
	if os.Getenv(env) != "" {
		return "", true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), env+"=1")
	b, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(b), "--- PASS: "+t.Name()) {
		t.Fatalf("child: %v\n%s", err, b)
	}
	return string(b), false
}

// readersGone is a slog.Handler that signals each inbound remote
// connection protoactor's endpoint manager has forgotten, as it logs it.
// startSender starts the sending node of a remote test on port, with its
// fence actor, all stopped when the test ends; gone signals each
// connection the remote closed.
func startSender(t *testing.T, port int) (*actor.ActorSystem, readersGone) {
	gone := readersGone{ch: make(chan struct{}, 8)}
	sys, rem := startRemoteLogging(port, func(*actor.ActorSystem) *slog.Logger { return slog.New(gone) })
	t.Cleanup(sys.Shutdown)
	t.Cleanup(func() { rem.Shutdown(true) })
	fence := spawnFence(t, sys)
	t.Cleanup(func() { stop(t, sys, fence) })
	return sys, gone
}

type readersGone struct{ ch chan struct{} }

func (g readersGone) Enabled(context.Context, slog.Level) bool { return true }

func (g readersGone) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "EndpointReader removed active endpoint from endpointManager" {
		select {
		case g.ch <- struct{}{}:
		default:
		}
	}
	return nil
}

func (g readersGone) WithAttrs([]slog.Attr) slog.Handler { return g }

func (g readersGone) WithGroup(string) slog.Handler { return g }

// spawnFence spawns "fence", which answers *testpb.Plain requests: a child
// node's last request over the connection that carries its acks, so every
// ack it sent has arrived when the answer does. Stop it before the system.
func spawnFence(tb testing.TB, sys *actor.ActorSystem) *actor.PID {
	tb.Helper()
	fence, err := sys.Root.SpawnNamed(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*testpb.Plain); ok {
			ctx.Respond(&testpb.Plain{})
		}
	}), "fence")
	if err != nil {
		tb.Fatal(err)
	}
	return fence
}
