package remoting

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// MaxMessageBytes is the gRPC message size limit, both ways, instead of
// gRPC's 4 MiB default. protoactor sends up to a batch of envelopes in
// one gRPC message: a 1M-node, 2M-edge UpdateGPUGraphData is about 50 MB
// and a 1M-node 3D StepCompleted 12 MB, so the limit leaves room for a
// few of the largest messages in one batch.
const MaxMessageBytes = 1 << 30

// DialTimeout bounds one connection attempt to a node. protoactor makes
// one attempt per endpoint (then waits 2 s) and, when it fails, publishes
// the endpoint as terminated: the node's watchers get Terminated and what
// was sent to it becomes dead letters.
const DialTimeout = time.Second

// ParseAddr splits a HOST:PORT flag value, naming the flag when it is
// malformed. The port may be 0 (any free port) when zeroOK.
func ParseAddr(flagName, s string, zeroOK bool) (string, int, error) {
	host, portText, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, fmt.Errorf("%s %q: want HOST:PORT: %v", flagName, s, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 || (port == 0 && !zeroOK) {
		return "", 0, fmt.Errorf("%s %q: bad port %q", flagName, s, portText)
	}
	return host, port, nil
}

// Config returns the remote configuration: listen on host:port, with the
// size limits and dial behaviour above. advertise, when not empty, is the
// host other nodes reach this one by (the port stays the listen port); it
// is needed when host is 0.0.0.0 or ::, or behind a NAT. With port 0 and
// an advertised host, a free port is chosen first.
func Config(host string, port int, advertise string) (*remote.Config, error) {
	if advertise == "" && (host == "" || net.ParseIP(host) != nil && net.ParseIP(host).IsUnspecified()) {
		return nil, fmt.Errorf("listening on %q needs an advertised host that other nodes can reach (-advertise)", net.JoinHostPort(host, strconv.Itoa(port)))
	}
	if advertise != "" && port == 0 {
		p, err := freePort(host)
		if err != nil {
			return nil, err
		}
		port = p
	}
	opts := []remote.ConfigOption{
		remote.WithServerOptions(grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes)),
		remote.WithDialOptions(
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes)),
			// Blocking, so a failed attempt returns its error (and closes
			// its conn) instead of leaving a conn that retries for ever.
			grpc.WithBlock(),
			grpc.WithTimeout(DialTimeout), //nolint:staticcheck // protoactor dials with grpc.Dial, without a context
		),
	}
	if advertise != "" {
		opts = append(opts, remote.WithAdvertisedHost(net.JoinHostPort(advertise, strconv.Itoa(port))))
	}
	c := remote.Configure(host, port, opts...)
	c.MaxRetryCount = 1
	return c, nil
}

// Start starts remote on sys with c. A listen failure (address in use) is
// an error, not protoactor's panic.
func Start(sys *actor.ActorSystem, c *remote.Config) (r *remote.Remote, err error) {
	l, err := net.Listen("tcp", c.Address())
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	if c.Port == 0 { // keep the port chosen; remote.Start listens again
		c.Port = l.Addr().(*net.TCPAddr).Port
	}
	l.Close()
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("remote on %s: %v", c.Address(), p)
		}
	}()
	r = remote.NewRemote(sys, c)
	r.Start()
	return r, nil
}

func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("listen: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
