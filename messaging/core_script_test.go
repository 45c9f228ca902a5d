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
//	advance DURATION | pending | timeout KIND | close
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
	case "timeout":
		k, ok := s.core.Summary().Kind(messaging.Kind(f[1]))
		require.True(s.t, ok, "kind %s has no traffic", f[1])
		s.printf("timeout %s=%v srtt=%v samples=%d", f[1], k.Timeout, k.SRTT, k.RTTSamples)
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

func TestCoreAdaptiveTimeoutScripts(t *testing.T) {
	pol := func(timeout time.Duration) messaging.Policy {
		return messaging.Policy{Timeout: timeout, MaxRetries: 2, Backoff: messaging.DefaultBackoff()}
	}
	fixed := pol(time.Second)
	fixed.FixedTimeout = true
	capped := pol(time.Second)
	capped.MaxTimeout = 2 * time.Second
	capped.Backoff = messaging.Backoff{Base: 10 * time.Second, Multiplier: 1, Max: 10 * time.Second}
	cfg := messaging.CoreConfig{Policies: map[messaging.Kind]messaging.Policy{
		"adapt": pol(time.Second), "fixed": fixed, "capped": capped, "tiny": pol(time.Millisecond)}}
	cases := []struct{ name, script, want string }{
		{"slow acks raise the timeout: no spurious re-send", `
track a adapt
advance 800ms
ack a success
timeout adapt
track b adapt
pending
advance 1100ms
advance 400ms
ack b success
timeout adapt`, `
800ms ack a success: Matched
800ms outcome a Success attempts=1 latency=800ms
800ms timeout adapt=2.415919104s srtt=800ms samples=1
800ms pending 1 next=3.215919104s
2.3s ack b success: Matched
2.3s outcome b Success attempts=1 latency=1.5s
2.3s timeout adapt=2.952790016s srtt=887.5ms samples=2`},
		{"a timeout that grew after the send is waited out", `
track a adapt
track b adapt
advance 900ms
ack a success
timeout adapt
advance 200ms
pending
advance 1600ms
ack b success`, `
900ms ack a success: Matched
900ms outcome a Success attempts=1 latency=900ms
900ms timeout adapt=2.952790016s srtt=900ms samples=1
1.1s pending 1 next=2.952790016s
2.7s ack b success: Matched
2.7s outcome b Success attempts=1 latency=2.7s`},
		{"with FixedTimeout the same acks draw a re-send", `
track a fixed
advance 800ms
ack a success
timeout fixed
track b fixed
advance 1100ms
advance 400ms
ack b success`, `
800ms ack a success: Matched
800ms outcome a Success attempts=1 latency=800ms
800ms timeout fixed=1s srtt=800ms samples=1
1.9s resend b attempt=2
2.3s ack b success: Matched
2.3s outcome b Success attempts=2 latency=1.5s`},
		{"Karn: a re-sent message's late ack is no sample", `
track a adapt
advance 1s
advance 100ms
advance 400ms
ack a success
timeout adapt`, `
1.1s resend a attempt=2
1.5s ack a success: Matched
1.5s outcome a Success attempts=2 latency=1.5s
1.5s timeout adapt=1s srtt=0s samples=0`},
		{"an ack of the first send in its backoff, before any re-send, is a sample", `
track a adapt
advance 1050ms
ack a success
timeout adapt`, `
1.05s ack a success: Matched
1.05s outcome a Success attempts=1 latency=1.05s
1.05s timeout adapt=3.221225472s srtt=1.05s samples=1`},
		{"a message extended by Retrying is no sample", `
track a adapt
advance 900ms
ack a retrying busy
advance 900ms
ack a success
timeout adapt`, `
900ms ack a retrying: Extended
1.8s ack a success: Matched
1.8s outcome a Success attempts=1 latency=1.8s
1.8s timeout adapt=1s srtt=0s samples=0`},
		{"fast acks never take the timeout below the policy's floor", `
track a adapt
advance 10ms
ack a success
track b adapt
pending
timeout adapt
advance 1s
advance 100ms`, `
10ms ack a success: Matched
10ms outcome a Success attempts=1 latency=10ms
10ms pending 1 next=1.01s
10ms timeout adapt=1s srtt=10ms samples=1
1.11s resend b attempt=2`},
		{"MaxTimeout caps the adaptive timeout", `
track a capped
advance 5s
ack a success
timeout capped`, `
5s ack a success: Matched
5s outcome a Success attempts=1 latency=5s
5s timeout capped=2s srtt=5s samples=1`},
		{"steps of 1/8: the timeout rises at once, and falls only by more than 1/8", `
track a tiny
advance 100ms
ack a success
timeout tiny
track b tiny
advance 100ms
ack b success
timeout tiny
track c tiny
advance 100ms
ack c success
timeout tiny
track d tiny
advance 100ms
ack d success
timeout tiny
track e tiny
advance 100ms
ack e success
timeout tiny
track f tiny
advance 100ms
ack f success
timeout tiny
track g tiny
advance 200ms
ack g success
timeout tiny`, `
100ms ack a success: Matched
100ms outcome a Success attempts=1 latency=100ms
100ms timeout tiny=301.989888ms srtt=100ms samples=1
200ms ack b success: Matched
200ms outcome b Success attempts=1 latency=100ms
200ms timeout tiny=251.65824ms srtt=100ms samples=2
300ms ack c success: Matched
300ms outcome c Success attempts=1 latency=100ms
300ms timeout tiny=218.103808ms srtt=100ms samples=3
400ms ack d success: Matched
400ms outcome d Success attempts=1 latency=100ms
400ms timeout tiny=184.549376ms srtt=100ms samples=4
500ms ack e success: Matched
500ms outcome e Success attempts=1 latency=100ms
500ms timeout tiny=184.549376ms srtt=100ms samples=5
600ms ack f success: Matched
600ms outcome f Success attempts=1 latency=100ms
600ms timeout tiny=150.994944ms srtt=100ms samples=6
800ms ack g success: Matched
800ms outcome g Success attempts=1 latency=200ms
800ms timeout tiny=251.65824ms srtt=112.5ms samples=7`},
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
