package messaging_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
)

// scriptCore runs a Core from a script, one command per line, and returns
// what happened, one event per line. Commands:
//
//	track NAME KIND | ack NAME STATUS [REASON] | nack NAME | fail NAME
//	advance DURATION | pending | close
type scriptCore struct {
	t     *testing.T
	core  *messaging.Core
	epoch time.Time
	now   time.Time
	names map[messaging.ID]string
	out   []string
	acts  messaging.Actions
}

func nameID(name string) messaging.ID {
	sum := sha256.Sum256([]byte(name))
	var id messaging.ID
	copy(id[:], sum[:16])
	return id
}

func runScript(t *testing.T, cfg messaging.CoreConfig, script string) string {
	t.Helper()
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	core, err := messaging.NewCore(epoch, cfg)
	require.NoError(t, err)
	s := &scriptCore{t: t, core: core, epoch: epoch, now: epoch, names: map[messaging.ID]string{}}
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		s.exec(strings.Fields(line))
	}
	return strings.Join(s.out, "\n")
}

func (s *scriptCore) printf(format string, args ...any) {
	s.out = append(s.out, fmt.Sprintf("%v ", s.now.Sub(s.epoch))+fmt.Sprintf(format, args...))
}

func (s *scriptCore) outcome(o messaging.Outcome) {
	err := ""
	if o.Err != nil {
		err = " err=" + o.Err.Error()
	}
	s.printf("outcome %s %s attempts=%d latency=%v%s", s.names[o.ID], o.Result, o.Attempts, o.Latency, err)
}

func (s *scriptCore) exec(f []string) {
	s.t.Helper()
	switch f[0] {
	case "track":
		id := nameID(f[1])
		s.names[id] = f[1]
		_, err := s.core.Track(s.now, messaging.Message{ID: id, Kind: messaging.Kind(f[2]), Resend: func(messaging.ID, int) error { return nil }})
		if err != nil {
			s.printf("track %s: %v", f[1], err)
		}
	case "ack":
		id := nameID(f[1])
		reason := strings.Join(f[3:], " ")
		var a messaging.Ack
		switch f[2] {
		case "success":
			a = messaging.Success(id)
		case "partial":
			a = messaging.PartialSuccess(id, reason)
		case "failed":
			a = messaging.Failed(id, errors.New(reason))
		case "failed@1":
			a = messaging.Failed(id, errors.New(reason)).WithAttempt(1)
		case "retrying":
			a = messaging.Retrying(id, reason)
		default:
			s.t.Fatalf("bad status %q", f[2])
		}
		r, o, ended := s.core.Acknowledge(s.now, a)
		s.printf("ack %s %s: %s", f[1], strings.TrimSuffix(f[2], "@1"), r)
		if ended {
			s.outcome(o)
		}
	case "nack":
		o, ended, found := s.core.Nack(s.now, nameID(f[1]), errors.New("send failed"))
		s.printf("nack %s: found=%v", f[1], found)
		if ended {
			s.outcome(o)
		}
	case "fail":
		if o, ok := s.core.Fail(s.now, nameID(f[1]), errors.New("target stopped")); ok {
			s.outcome(o)
		}
	case "advance":
		d, err := time.ParseDuration(f[1])
		require.NoError(s.t, err)
		s.now = s.now.Add(d)
		s.acts.Reset()
		s.core.Advance(s.now, &s.acts)
		for _, r := range s.acts.Resends {
			s.printf("resend %s attempt=%d", s.names[r.ID], r.Attempt)
		}
		for _, o := range s.acts.Outcomes {
			s.outcome(o)
		}
	case "pending":
		next, ok := s.core.NextDeadline()
		if ok {
			s.printf("pending %d next=%v", s.core.Pending(), next.Sub(s.epoch))
		} else {
			s.printf("pending %d", s.core.Pending())
		}
	case "close":
		for _, o := range s.core.Close(s.now, nil) {
			s.outcome(o)
		}
	default:
		s.t.Fatalf("bad command %q", f[0])
	}
}

func TestCoreScripts(t *testing.T) {
	fast := messaging.Policy{Timeout: time.Second, MaxRetries: 2, Backoff: messaging.DefaultBackoff()}
	retryFailures := fast
	retryFailures.RetryOnFailure = true
	slow := fast
	slow.Timeout = 10 * time.Second
	cfg := messaging.CoreConfig{Policies: map[messaging.Kind]messaging.Policy{"fast": fast, "retryfail": retryFailures, "slow": slow}}
	cases := []struct{ name, script, want string }{
		{"timeout, re-send with backoff, exhaustion", `
track a fast
pending
advance 999ms
advance 1ms
pending
advance 99ms
advance 1ms
advance 1s
advance 200ms
advance 1s
pending`, `
0s pending 1 next=1s
1s pending 1 next=1.1s
1.1s resend a attempt=2
2.3s resend a attempt=3
3.3s outcome a Exhausted attempts=3 latency=3.3s err=messaging: no ack for attempt 3 after 1s
3.3s pending 0`},
		{"ack just before the timeout", `
track a fast
advance 999ms
ack a success
advance 10s
pending`, `
999ms ack a success: Matched
999ms outcome a Success attempts=1 latency=999ms
10.999s pending 0`},
		{"early ack before any time passes", `
track a fast
ack a success
ack a success
ack b success`, `
0s ack a success: Matched
0s outcome a Success attempts=1 latency=0s
0s ack a success: Duplicate
0s ack b success: Unknown`},
		{"retrying extends the deadline without using a retry", `
track a fast
advance 900ms
ack a retrying still working
pending
advance 999ms
advance 1ms
advance 100ms
ack a partial 3 of 4
`, `
900ms ack a retrying: Extended
900ms pending 1 next=1.9s
2s resend a attempt=2
2s ack a partial: Matched
2s outcome a PartialSuccess attempts=2 latency=2s err=messaging: receiver reported PartialSuccess: 3 of 4`},
		{"failed ack ends the message", `
track a fast
advance 10ms
ack a failed out of memory
advance 5s
pending`, `
10ms ack a failed: Matched
10ms outcome a Failed attempts=1 latency=10ms err=messaging: receiver reported Failed: out of memory
5.01s pending 0`},
		{"policy opts into retrying failures", `
track a retryfail
ack a failed busy
pending
advance 100ms
ack a failed busy
advance 200ms
ack a failed still busy`, `
0s ack a failed: Matched
0s pending 1 next=100ms
100ms resend a attempt=2
100ms ack a failed: Matched
300ms resend a attempt=3
300ms ack a failed: Matched
300ms outcome a Failed attempts=3 latency=300ms err=messaging: receiver reported Failed: still busy`},
		{"a late failure of an earlier attempt uses no retry", `
track a retryfail
advance 1s
advance 100ms
ack a failed@1 busy
pending
ack a success`, `
1.1s resend a attempt=2
1.1s ack a failed: Duplicate
1.1s pending 1 next=2.1s
1.1s ack a success: Matched
1.1s outcome a Success attempts=2 latency=1.1s`},
		{"nack re-sends after one backoff step, fail ends at once", `
track a fast
track b fast
nack a
pending
advance 100ms
fail b
nack a
nack a
advance 200ms
nack a`, `
0s nack a: found=true
0s pending 2 next=100ms
100ms resend a attempt=2
100ms outcome b Undeliverable attempts=1 latency=100ms err=target stopped
100ms nack a: found=true
100ms nack a: found=true
300ms resend a attempt=3
300ms nack a: found=true
300ms outcome a Exhausted attempts=3 latency=300ms err=send failed`},
		{"close reports everything pending", `
track a fast
track b slow
track c NeverRegistered
advance 500ms
close
pending
ack a success`, `
500ms outcome a Abandoned attempts=1 latency=500ms err=messaging: tracker closed with message pending
500ms outcome c Abandoned attempts=1 latency=500ms err=messaging: tracker closed with message pending
500ms outcome b Abandoned attempts=1 latency=500ms err=messaging: tracker closed with message pending
500ms pending 0
500ms ack a success: Duplicate`},
		{"duplicate IDs are refused", `
track a fast
track a fast`, `
0s track a: messaging: ID already pending: ca978112-ca1b-bdca-fac2-31b39a23dc4d`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := runScript(t, cfg, c.script)
			require.Equal(t, strings.TrimSpace(c.want), got)
		})
	}
}

func TestCorePendingCap(t *testing.T) {
	core, err := messaging.NewCore(time.Now(), messaging.CoreConfig{MaxPending: 3})
	require.NoError(t, err)
	now := time.Now()
	for i := 0; i < 3; i++ {
		_, err := core.Track(now, messaging.Message{Kind: "k"})
		require.NoError(t, err)
	}
	_, err = core.Track(now, messaging.Message{Kind: "k"})
	require.ErrorIs(t, err, messaging.ErrTooManyPending)
	require.ErrorContains(t, err, "cap of 3")
	require.Equal(t, 3, core.Pending())
}
