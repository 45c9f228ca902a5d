package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"github.com/protoack/protoack/actors/physics"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/remoting"
	"github.com/protoack/protoack/messaging"
)

// remoteFlags are the flags of a run against a compute node.
type remoteFlags struct {
	compute   string // the node's HOST:PORT; "" runs ForceCompute locally
	listen    string // this process's HOST:PORT, which the node sends acks and steps to
	advertise string
	timeout   time.Duration
	ack       time.Duration // ack timeout floor of the small kinds; 0: the protocol's
}

func (r *remoteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.compute, "compute", "", "use the ForceCompute node at `HOST:PORT` (started with sim compute) instead of a local one")
	fs.StringVar(&r.listen, "listen", "127.0.0.1:0", "with -compute: listen on `HOST:PORT` for the node's acks and steps (port 0: any)")
	fs.StringVar(&r.advertise, "advertise", "", "with -compute: the `HOST` the node reaches this process by (needed with -listen 0.0.0.0:PORT)")
	fs.DurationVar(&r.ack, "ack-timeout", 0, "with -compute: wait this `duration` for an ack before a re-send (floor of the adaptive timeout; 0: the protocol's, 1 to 10 s), for every kind but the graph upload")
	fs.DurationVar(&r.timeout, "compute-timeout", 30*time.Second, "with -compute: fall back to a local kernel when the node is not back within this `duration` (0: never)")
}

// check validates the flags; faults are injected on a local ForceCompute
// only.
func (r *remoteFlags) check(o options) error {
	if r.compute == "" {
		return nil
	}
	if _, _, err := remoting.ParseAddr("-compute", r.compute, false); err != nil {
		return cli.Usage(err)
	}
	if _, _, err := remoting.ParseAddr("-listen", r.listen, true); err != nil {
		return cli.Usage(err)
	}
	if r.ack < 0 {
		return cli.Usagef("-ack-timeout %v: must be >= 0", r.ack)
	}
	if r.timeout < 0 {
		return cli.Usagef("-compute-timeout %v: must be >= 0", r.timeout)
	}
	if o.drop > 0 || o.dup > 0 || o.crash > 0 {
		return cli.Usagef("-drop, -dup and -crash-every act on a local ForceCompute: not with -compute")
	}
	return nil
}

// remoteRun is this process's side of a run against a compute node; nil
// for a local run (its methods are then no-ops).
type remoteRun struct {
	flags remoteFlags
	rem   *remote.Remote
	pid   *actor.PID
}

// startRemote starts protoactor remote on system when -compute is set.
func startRemote(system *actor.ActorSystem, f remoteFlags) (*remoteRun, error) {
	if f.compute == "" {
		return nil, nil
	}
	host, port, _ := remoting.ParseAddr("-listen", f.listen, true)
	c, err := remoting.Config(host, port, f.advertise)
	if err != nil {
		return nil, cli.Usage(err)
	}
	rem, err := remoting.Start(system, c)
	if err != nil {
		return nil, err
	}
	return &remoteRun{flags: f, rem: rem, pid: actor.NewPID(f.compute, computeName)}, nil
}

func (r *remoteRun) close() {
	if r != nil {
		r.rem.Shutdown(false)
	}
}

// forceCompute is the node's ForceCompute, or nil for a local run.
func (r *remoteRun) forceCompute() *actor.PID {
	if r == nil {
		return nil
	}
	return r.pid
}

func (r *remoteRun) timeout() time.Duration {
	if r == nil {
		return 0
	}
	return r.flags.timeout
}

// policies, on top of base: the graph upload waits 2 s plus 1 s per
// 100 000 nodes and edges for its ack (a 1M-node, 2M-edge graph is about
// 50 MB: 32 s), and the other kinds -ack-timeout when set, with 10
// retries and a short backoff as a local run with faults has. A node
// that dies is noticed by its terminated endpoint, not by these timeouts.
func (r *remoteRun) policies(base map[messaging.Kind]messaging.Policy, nodes, edges int) map[messaging.Kind]messaging.Policy {
	if r == nil {
		return base
	}
	m := map[messaging.Kind]messaging.Policy{}
	for k, p := range base {
		m[k] = p
	}
	for _, k := range protocol.Kinds() {
		p, ok := m[k]
		if !ok {
			p = protocol.DefaultPolicies()[k]
		}
		switch {
		case k == protocol.KindUpdateGPUGraphData:
			p.Timeout = max(p.Timeout, 2*time.Second+time.Duration(nodes+edges)*time.Second/100_000)
		case r.flags.ack > 0:
			p.Timeout, p.MaxRetries = r.flags.ack, max(p.MaxRetries, 10)
			p.Backoff = messaging.Backoff{Base: 10 * time.Millisecond, Multiplier: 2, Max: 400 * time.Millisecond}
		}
		m[k] = p
	}
	return m
}

// remoteReport is the "remote" object of the -json summary.
type remoteReport struct {
	Compute    string `json:"compute"`    // the node's HOST:PORT
	Address    string `json:"address"`    // this process's, as the node sees it
	NodeDown   int    `json:"node_down"`  // the node's endpoint terminated (killed, stopped, unreachable)
	Local      bool   `json:"local"`      // the node was given up for a local kernel
	Recoveries int    `json:"recoveries"` // recoveries started (all causes)
	Recovered  int    `json:"recovered"`  // recoveries completed
}

// report names the kernel that ran the last step ("cpu@HOST:PORT" on the
// node) in st.Backend and returns the remote section of the summary.
func (r *remoteRun) report(system *actor.ActorSystem, st *physics.Stats) *remoteReport {
	if r == nil {
		return nil
	}
	if !st.RemoteLost && st.Backend != "" {
		st.Backend += "@" + r.flags.compute
	}
	return &remoteReport{Compute: r.flags.compute, Address: system.Address(), NodeDown: st.RemoteDown,
		Local: st.RemoteLost, Recoveries: st.Recoveries, Recovered: st.Events[physics.EventRecovered]}
}

func (rr *remoteReport) writeText(w io.Writer) {
	if rr == nil {
		return
	}
	where := "finished on the node"
	if rr.Local {
		where = "finished on a LOCAL kernel (the node did not come back in time)"
	}
	fmt.Fprintf(w, "remote: ForceCompute at %s, this process at %s; node down %d time(s), %d recoveries, %d recovered; %s\n",
		rr.Compute, rr.Address, rr.NodeDown, rr.Recoveries, rr.Recovered, where)
}
