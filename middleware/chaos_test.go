package middleware

import (
	crand "crypto/rand"
	"encoding/binary"
	"flag"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware/internal/testpb"
)

var (
	chaosSeed = flag.Uint64("chaos.seed", 0, "seed for TestChaos (0: random; or set PROTOACK_CHAOS_SEED)")
	chaosN    = flag.Int("chaos.n", 10_000, "messages in TestChaosLossyDelivery (the long run: 100000)")
)

// seedFor returns the chaos seed: the flag, else the environment, else random.
func seedFor(t *testing.T) uint64 {
	if *chaosSeed != 0 {
		return *chaosSeed
	}
	if s := os.Getenv("PROTOACK_CHAOS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("PROTOACK_CHAOS_SEED: %v", err)
		}
		return v
	}
	var b [8]byte
	_, _ = crand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:]) | 1
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func unit(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// lossy is a link that drops, duplicates, delays and so reorders sends.
// Each decision is a pure function of the seed, the path, the message's
// sequence number, the attempt and the copy, so a seed reproduces the
// same losses; goroutine interleaving is still the scheduler's.
type lossy struct {
	seed     uint64
	ack      bool
	drop     float64
	dup      float64
	delay    float64
	maxDelay time.Duration
	seqOf    *sync.Map // ID -> message sequence number, shared by both paths
	wg       sync.WaitGroup

	dropped, duplicated, delayed atomic.Int64
}

func (l *lossy) carry(p packet, send func()) {
	var seq uint64
	if w, ok := p.Msg.(*testpb.Work); ok {
		seq = uint64(w.Seq)
		l.seqOf.Store(p.ID, seq)
	} else if v, ok := l.seqOf.Load(p.ID); ok {
		seq = v.(uint64)
	}
	h := l.hash(seq, p.Attempt)
	if unit(h) < l.drop {
		l.dropped.Add(1)
		return
	}
	copies := 1
	if unit(mix(h+1)) < l.dup {
		copies = 2
		l.duplicated.Add(1)
	}
	for i := range copies {
		hi := mix(h + 2 + uint64(i))
		if unit(hi) >= l.delay {
			send()
			continue
		}
		l.delayed.Add(1)
		l.wg.Add(1)
		time.AfterFunc(time.Duration(unit(mix(hi))*float64(l.maxDelay)), func() {
			defer l.wg.Done()
			send()
		})
	}
}

// hash is the link's draw for one attempt of message seq: it decides
// whether that attempt is dropped on this path.
func (l *lossy) hash(seq uint64, attempt int) uint64 {
	path := uint64(1)
	if l.ack {
		path = 2
	}
	return mix(l.seed ^ mix(seq) ^ mix(uint64(attempt)<<8|path))
}

// drops reports whether the link drops attempt of message seq.
func (l *lossy) drops(seq uint64, attempt int) bool { return unit(l.hash(seq, attempt)) < l.drop }

// TestChaosLossyDelivery sends 10k tracked messages (-chaos.n=100000 for the long run)
// through lossy layers on both the message and the ack path: 10-40% loss,
// duplicates, delays and reordering, drawn from a logged seed (rerun with
// -chaos.seed=N or PROTOACK_CHAOS_SEED=N). Every message must end exactly
// once: Success and processed exactly once, or Exhausted and processed at
// most once. The messages that end Exhausted are exactly those for which
// the link's draws lose every attempt (the message or its ack): computed
// from the seed, not from timing. The counts must reconcile with nothing
// silently lost.
func TestChaosLossyDelivery(t *testing.T) { chaos(t, *chaosN, false) }

// chaos runs TestChaosLossyDelivery's scenario with n messages. With
// batched, first attempts go in batches (ackpb.Batch, in-process here),
// except every fifth message, which carries a header of the caller's and
// so goes alone: batches and single messages mixed. It returns the
// Delivery, closed.
func chaos(t *testing.T, n int, batched bool) *Delivery {
	const inFlight = 2000
	seed := seedFor(t)
	rates := mix(seed)
	dropMsg := 0.10 + 0.30*unit(rates)
	dropAck := 0.10 + 0.30*unit(mix(rates))
	t.Logf("chaos seed %d (rerun: -chaos.seed=%d): drop messages %.0f%%, acks %.0f%%", seed, seed, 100*dropMsg, 100*dropAck)

	seqOf := &sync.Map{}
	msgs := &lossy{seed: seed, drop: dropMsg, dup: 0.05, delay: 0.10, maxDelay: 20 * time.Millisecond, seqOf: seqOf}
	acks := &lossy{seed: seed, ack: true, drop: dropAck, dup: 0.05, delay: 0.10, maxDelay: 20 * time.Millisecond, seqOf: seqOf}

	sys := newSystem(t)
	processed := make([]atomic.Int32, n)
	slots := make(chan struct{}, inFlight)
	var mu sync.Mutex
	results := make(map[messaging.Result]int)
	seqResult := make([]messaging.Result, n)
	ended := make(chan struct{})
	var endedN atomic.Int64
	onOutcome := func(o Outcome) {
		seq := o.Message.(*testpb.Work).Seq
		mu.Lock()
		results[o.Result]++
		if seqResult[seq] != 0 {
			t.Errorf("message %d ended twice: %v, then %v", seq, seqResult[seq], o.Result)
		}
		seqResult[seq] = o.Result
		mu.Unlock()
		<-slots
		if endedN.Add(1) == int64(n) {
			close(ended)
		}
	}
	pol := messaging.Policy{
		Timeout:    1500 * time.Millisecond, // far above the link's delays (20 ms) and a loaded machine's stalls
		MaxRetries: 4,
		Backoff:    messaging.Backoff{Base: 10 * time.Millisecond, Multiplier: 2, Max: 80 * time.Millisecond, Jitter: true},
	}
	opts := []Option{Track[*testpb.Work](kindWork), WithOutcome(onOutcome), withLinks(msgs, acks),
		WithPolicy(kindWork, pol), WithTrackerOptions(messaging.WithSeed(seed))}
	if batched {
		opts = append(opts, withSendBatching(64, 2*time.Millisecond, time.Hour, nil))
	}
	d := mustNew(t, sys, opts...)
	recv := spawn(t, sys, actor.PropsFromFunc(func(ctx actor.Context) {
		if w, ok := ctx.Message().(*testpb.Work); ok {
			processed[w.Seq].Add(1)
		}
	}, d.PropsOption()))

	start := time.Now()
	root := d.RootContext()
	for i := range n {
		slots <- struct{}{}
		if batched && i%5 == 0 {
			if _, err := d.Send(root, recv, &actor.MessageEnvelope{Header: map[string]string{"k": "v"}, Message: &testpb.Work{Seq: int64(i)}}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		root.Send(recv, &testpb.Work{Seq: int64(i)})
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Minute):
		t.Fatalf("%d of %d outcomes", endedN.Load(), n)
	}
	elapsed := time.Since(start)
	msgs.wg.Wait()
	acks.wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	lost, twice := 0, 0
	for seq := range n {
		p := processed[seq].Load()
		switch {
		case p > 1:
			twice++
		case seqResult[seq] == messaging.ResultSuccess && p != 1:
			lost++
		case seqResult[seq] != messaging.ResultSuccess && seqResult[seq] != messaging.ResultExhausted:
			t.Errorf("message %d ended %v", seq, seqResult[seq])
		}
	}
	succ, exh := results[messaging.ResultSuccess], results[messaging.ResultExhausted]
	t.Logf("%d messages in %v: %d Success, %d Exhausted; link dropped %d/%d, duplicated %d/%d, delayed %d/%d (messages/acks)",
		n, elapsed.Round(time.Millisecond), succ, exh,
		msgs.dropped.Load(), acks.dropped.Load(), msgs.duplicated.Load(), acks.duplicated.Load(), msgs.delayed.Load(), acks.delayed.Load())
	t.Logf("tracker summary:\n%v", d.Tracker().Summary())
	if twice > 0 || lost > 0 {
		t.Errorf("%d messages processed more than once, %d acked Success but not processed", twice, lost)
	}
	if succ+exh != n {
		t.Errorf("outcomes: %d Success + %d Exhausted != %d sent (%v)", succ, exh, n, results)
	}
	if p := d.Tracker().Pending(); p != 0 {
		t.Errorf("%d still pending", p)
	}
	// An attempt gets through only if neither the message nor its ack is
	// dropped; a message none of whose attempts gets through must end
	// Exhausted, and no other may.
	wrong := 0
	for seq := range n {
		lose := true
		for a := 1; a <= pol.MaxRetries+1 && lose; a++ {
			lose = msgs.drops(uint64(seq), a) || acks.drops(uint64(seq), a)
		}
		if lose != (seqResult[seq] == messaging.ResultExhausted) {
			if wrong < 5 {
				t.Errorf("message %d ended %v; the link's draws lose every attempt: %v", seq, seqResult[seq], lose)
				for a := 1; a <= pol.MaxRetries+1; a++ {
					t.Logf("  attempt %d: message dropped %v, ack dropped %v; processed %d", a, msgs.drops(uint64(seq), a), acks.drops(uint64(seq), a), processed[seq].Load())
				}
			}
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%d messages ended otherwise than the link's draws say", wrong)
	}
	_ = d.Close()
	return d
}
