package messaging_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/protoack/protoack/messaging"
)

func TestDefaultPolicyAppliesToEveryKindWithoutOne(t *testing.T) {
	def := messaging.DefaultPolicy()
	assert.Equal(t, 5*time.Second, def.Timeout)
	assert.Equal(t, 3, def.MaxRetries)
	assert.Equal(t, messaging.DefaultBackoff(), def.Backoff)
	require.NoError(t, def.Validate())

	mine := messaging.Policy{Timeout: time.Second, MaxRetries: 1, Backoff: messaging.DefaultBackoff()}
	tr, err := messaging.NewTracker(messaging.WithPolicy("Mine", mine))
	require.NoError(t, err)
	defer tr.Close()
	assert.Equal(t, mine, tr.Policy("Mine"))
	for _, k := range []messaging.Kind{"ComputeForces", "UpdateNodePositions", "SomethingNew"} {
		assert.Equal(t, def, tr.Policy(k), "%s: messaging has no built-in kinds", k)
	}
	assert.Empty(t, tr.Summary().Kinds, "no kind has a row before it has traffic")
}

func TestBackoffSchedule(t *testing.T) {
	b := messaging.DefaultBackoff()
	want := []time.Duration{100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000}
	for n, w := range want {
		assert.Equal(t, w*time.Millisecond, b.Delay(n+1, nil), "re-send %d", n+1)
	}
	assert.Equal(t, 100*time.Millisecond, b.Delay(0, nil), "n < 1 reads as 1")
	assert.Equal(t, 30*time.Second, b.Delay(1000, nil), "huge n stays capped")
}

func TestBackoffFullJitterBounds(t *testing.T) {
	b := messaging.DefaultBackoff()
	b.Jitter = true
	rnd := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 12; n++ {
		limit := messaging.DefaultBackoff().Delay(n, nil)
		lo, hi := limit, time.Duration(0)
		for i := 0; i < 2000; i++ {
			d := b.Delay(n, rnd)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, limit)
			lo, hi = min(lo, d), max(hi, d)
		}
		assert.Less(t, lo, limit/10, "n=%d: jitter reaches near 0", n)
		assert.Greater(t, hi, limit*9/10, "n=%d: jitter reaches near the cap", n)
	}
	// The same seed gives the same schedule.
	r1, r2 := rand.New(rand.NewPCG(7, 7)), rand.New(rand.NewPCG(7, 7))
	for n := 1; n < 10; n++ {
		assert.Equal(t, b.Delay(n, r1), b.Delay(n, r2))
	}
}

func TestPolicyValidateNamesTheField(t *testing.T) {
	good := messaging.DefaultPolicy()
	cases := map[string]func(p *messaging.Policy){
		"Timeout":            func(p *messaging.Policy) { p.Timeout = 0 },
		"MaxRetries":         func(p *messaging.Policy) { p.MaxRetries = -1 },
		"Backoff.Base":       func(p *messaging.Policy) { p.Backoff.Base = -time.Second },
		"Backoff.Multiplier": func(p *messaging.Policy) { p.Backoff.Multiplier = 0.5 },
		"Backoff.Max":        func(p *messaging.Policy) { p.Backoff.Max = time.Millisecond },
		"MaxTimeout":         func(p *messaging.Policy) { p.MaxTimeout = time.Millisecond },
	}
	for field, spoil := range cases {
		p := good
		spoil(&p)
		err := p.Validate()
		require.Error(t, err, field)
		assert.Contains(t, err.Error(), field+"=")
		_, err = messaging.NewTracker(messaging.WithPolicy("Mine", p))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `kind "Mine"`)
		assert.Contains(t, err.Error(), field+"=")
	}
	tr, err := messaging.NewTracker()
	require.NoError(t, err)
	defer tr.Close()
	assert.ErrorContains(t, tr.SetPolicy("Mine", messaging.Policy{}), "Timeout=")
	custom := messaging.Policy{Timeout: time.Second, MaxRetries: 9, Backoff: messaging.DefaultBackoff()}
	require.NoError(t, tr.SetPolicy("Mine", custom))
	assert.Equal(t, custom, tr.Policy("Mine"))
}
