package cpu

import (
	"sync"
	"sync/atomic"
)

// phase names one parallel step of a tick; workers switch on it, so no
// function value is passed per tick.
type phase uint8

const (
	phaseBounds phase = iota
	phaseKeys
	phaseCount
	phaseScatter
	phaseBuild
	phasePack
	phaseForces
	phaseIntegrate
	phasePermuteNodes
	phasePermuteEdges
)

// nodeChunk is the number of nodes in one chunk of the per-node phases.
const nodeChunk = 4096

// A phase is cut into chunks of work that any worker may take, and a tick
// never waits for a worker to start: the caller takes chunks too, and the
// phase ends when every chunk is done, so a helper that the OS has not
// scheduled (on a busy machine) holds up nothing it has not begun. Chunks
// are numbered by the data they cover, never by worker, so results do not
// depend on which worker took which chunk.
//
// Jobs are published through next: the job's epoch above bit 40 and the
// next chunk below. A worker takes a chunk by a compare-and-swap that
// fails once the epoch has moved on, and reads the job's phase and chunk
// count from the slot of the epoch's parity, which the caller rewrites only
// two epochs later. The epoch in next wraps after 2^24 jobs (with its
// parity kept); a helper would have to sleep through all of them to take
// a chunk of the wrong job.
type pool struct {
	wake  []chan struct{} // one token wakes a helper
	fin   chan struct{}   // the helper that finishes a job's last chunk says so
	next  atomic.Uint64
	done  atomic.Int64 // chunks of the current job finished
	jobs  [2]job
	epoch uint64
	wg    sync.WaitGroup
}

type job struct {
	ph    atomic.Uint32
	total atomic.Int64
}

const epochShift = 40

func (k *Kernel) startPool() {
	if k.pool != nil || k.workers <= 1 {
		return
	}
	pl := &pool{wake: make([]chan struct{}, k.workers-1), fin: make(chan struct{}, 1)}
	for w := range pl.wake {
		ch := make(chan struct{}, 1)
		pl.wake[w] = ch
		pl.wg.Add(1)
		go func(w int) {
			defer pl.wg.Done()
			for range ch {
				k.help(w)
			}
		}(w + 1)
	}
	k.pool = pl
}

func (k *Kernel) stopPool() {
	if k.pool == nil {
		return
	}
	for _, ch := range k.pool.wake {
		close(ch)
	}
	k.pool.wg.Wait()
	k.pool = nil
}

// parallel runs chunks [0, total) of ph and returns when all are done.
func (k *Kernel) parallel(ph phase, total int) {
	pl := k.pool
	if pl == nil || total <= 1 {
		for c := range total {
			k.runChunk(ph, c, 0)
		}
		return
	}
	pl.epoch++
	j := &pl.jobs[pl.epoch&1]
	j.ph.Store(uint32(ph))
	j.total.Store(int64(total))
	pl.done.Store(0)
	pl.next.Store(pl.epoch << epochShift)
	for _, ch := range pl.wake {
		select {
		case ch <- struct{}{}:
		default: // a token is already waiting
		}
	}
	if !k.work(0) {
		<-pl.fin
	}
}

// help takes chunks of the current job, if any, as worker w.
func (k *Kernel) help(w int) {
	if k.work(w) {
		k.pool.fin <- struct{}{}
	}
}

// work takes and runs chunks of the current job until none is left, and
// reports whether it finished the job's last chunk.
func (k *Kernel) work(w int) bool {
	pl := k.pool
	last := false
	for {
		v := pl.next.Load()
		e := v >> epochShift
		j := &pl.jobs[e&1]
		c := int64(v & (1<<epochShift - 1))
		total := j.total.Load()
		ph := phase(j.ph.Load())
		if c >= total || !pl.next.CompareAndSwap(v, v+1) {
			if c >= total {
				return last
			}
			continue
		}
		k.runChunk(ph, int(c), w)
		if pl.done.Add(1) == total {
			last = true
		}
	}
}

// chunks is the number of chunks of size size covering n items.
func chunks(n, size int) int { return (n + size - 1) / size }

// chunkSpan is chunk c of size size of [0, n).
func chunkSpan(c, size, n int) (int, int) { return c * size, min((c+1)*size, n) }
