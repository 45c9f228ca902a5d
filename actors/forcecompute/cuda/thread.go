//go:build cuda

package cuda

import "runtime"

// thread runs functions on one goroutine locked to its OS thread, so every
// CUDA call of a Kernel comes from the same thread.
type thread struct {
	reqs chan func()
}

func startThread() *thread {
	t := &thread{reqs: make(chan func())}
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for f := range t.reqs {
			f()
		}
	}()
	return t
}

// do runs f on the thread and waits for it.
func (t *thread) do(f func()) {
	done := make(chan struct{})
	t.reqs <- func() {
		f()
		close(done)
	}
	<-done
}

// stop ends the thread after the requests already handed over.
func (t *thread) stop() { close(t.reqs) }
