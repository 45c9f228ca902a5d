package remoting

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// TestParseAddr: HOST:PORT values, and errors naming the flag.
func TestParseAddr(t *testing.T) {
	for _, c := range []struct {
		in     string
		zeroOK bool
		host   string
		port   int
		err    string
	}{
		{"127.0.0.1:7100", false, "127.0.0.1", 7100, ""},
		{"[::1]:80", false, "::1", 80, ""},
		{"0.0.0.0:0", true, "0.0.0.0", 0, ""},
		{"host:0", false, "", 0, `-f "host:0": bad port "0"`},
		{"host", false, "", 0, `-f "host": want HOST:PORT`},
		{"host:70000", true, "", 0, `bad port "70000"`},
		{"host:x", true, "", 0, `bad port "x"`},
	} {
		h, p, err := ParseAddr("-f", c.in, c.zeroOK)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseAddr(%q): %v, want an error with %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || h != c.host || p != c.port {
			t.Errorf("ParseAddr(%q) = %q, %d, %v", c.in, h, p, err)
		}
	}
}

// TestConfig: limits sized both ways, the advertised address with the
// listen port, and every interface only with an advertised host.
func TestConfig(t *testing.T) {
	if _, err := Config("0.0.0.0", 7100, ""); err == nil || !strings.Contains(err.Error(), "-advertise") {
		t.Errorf("0.0.0.0 without -advertise: %v", err)
	}
	c, err := Config("0.0.0.0", 7100, "node-a.example")
	if err != nil || c.AdvertisedHost != "node-a.example:7100" || c.Port != 7100 || c.MaxRetryCount != 1 {
		t.Fatalf("Config: %+v, %v", c, err)
	}
	if len(c.ServerOptions) != 2 || len(c.DialOptions) != 4 {
		t.Errorf("%d server and %d dial options, want the size limits both ways, credentials, blocking dial with a timeout", len(c.ServerOptions), len(c.DialOptions))
	}
	c, err = Config("127.0.0.1", 0, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(c.AdvertisedHost)
	if c.Port == 0 || port != strconv.Itoa(c.Port) {
		t.Errorf("port 0 with an advertised host: port %d, advertised %q", c.Port, c.AdvertisedHost)
	}
}

// TestStartBusyPort: a port in use is an error, not protoactor's panic.
func TestStartBusyPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := Config("127.0.0.1", l.Addr().(*net.TCPAddr).Port, "")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := Start(nil, c); err == nil || r != nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("Start on a busy port: %v, %v", r, err)
	}
}
