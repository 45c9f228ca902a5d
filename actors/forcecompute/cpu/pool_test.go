package cpu

import (
	"testing"
	"time"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestStepNeedsNoHelper checks that a tick never waits for a helper to
// start: with helpers that never run (as when the OS does not schedule
// them), Step finishes on the caller alone, with the positions of one
// worker.
func TestStepNeedsNoHelper(t *testing.T) {
	const n = 3000
	g := kerneltest.BAGraph(n, 2, 5)
	for _, dims := range []int{2, 3} {
		p := kernel.Defaults()
		p.Dims, p.Workers = dims, 1
		one, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := one.Upload(g); err != nil {
			t.Fatal(err)
		}
		want := kerneltest.Positions(t, one, 2*reorderEvery+1, n, dims)
		one.Close()

		p.Workers = 3
		k, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Upload(g); err != nil {
			t.Fatal(err)
		}
		// A pool whose helpers were never started.
		k.pool = &pool{wake: []chan struct{}{make(chan struct{}, 1), make(chan struct{}, 1)}, fin: make(chan struct{}, 1)}
		done := make(chan error, 1)
		go func() { done <- k.Step(2*reorderEvery + 1) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("%dD: Step waits for helpers that never run", dims)
		}
		got := make([]float32, dims*n)
		if _, err := k.Positions(got); err != nil {
			t.Fatal(err)
		}
		k.Close()
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%dD: value %d is %v on the caller alone, %v with one worker", dims, i, got[i], want[i])
			}
		}
	}
}

// TestPoolRunsEveryChunkOnce runs many short jobs back to back on running
// helpers, so that helpers often arrive late for a job or find the next
// one, and checks after each that every chunk was done for that job
// (under -race, a job that returns before its last chunk is done is also
// reported as a race on packed).
func TestPoolRunsEveryChunkOnce(t *testing.T) {
	const n = 5*nodeChunk + 7
	k := edgeless(t, kernel.Defaults().Dims, 4, n)
	defer k.Close()
	k.startPool()
	for job := range 3000 {
		v := float32(job)
		for i := range k.pos {
			k.pos[i] = v
		}
		k.parallel(phasePack, chunks(n, nodeChunk))
		for i, x := range k.packed {
			if x != v {
				t.Fatalf("job %d: packed[%d] = %v, want %v", job, i, x, v)
			}
		}
	}
}
