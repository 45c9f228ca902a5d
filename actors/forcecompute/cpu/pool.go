package cpu

import "sync"

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

// pool runs phases on workers-1 helper goroutines plus the caller.
type pool struct {
	start []chan phase
	wg    sync.WaitGroup
}

func (k *Kernel) startPool() {
	if k.pool != nil || k.workers <= 1 {
		return
	}
	pl := &pool{start: make([]chan phase, k.workers-1)}
	for w := range pl.start {
		ch := make(chan phase)
		pl.start[w] = ch
		go func(w int) {
			for ph := range ch {
				k.runPhase(ph, w)
				pl.wg.Done()
			}
		}(w + 1)
	}
	k.pool = pl
}

func (k *Kernel) stopPool() {
	if k.pool == nil {
		return
	}
	for _, ch := range k.pool.start {
		close(ch)
	}
	k.pool = nil
}

// parallel runs ph on every worker and returns when all are done. Without
// a pool (before the first Step) the caller runs every worker's share.
func (k *Kernel) parallel(ph phase) {
	if k.pool == nil {
		for w := range k.workers {
			k.runPhase(ph, w)
		}
		return
	}
	k.pool.wg.Add(len(k.pool.start))
	for _, ch := range k.pool.start {
		ch <- ph
	}
	k.runPhase(ph, 0)
	k.pool.wg.Wait()
}

// span is worker w's static share of [0, n).
func (k *Kernel) span(w, n int) (int, int) {
	return n * w / k.workers, n * (w + 1) / k.workers
}
