package cpu

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestStepDoesNotAllocate checks that steady-state ticks allocate nothing,
// with Barnes-Hut and exact repulsion, constraints and several workers. It
// counts every allocation over more than two reorder periods (testing.
// AllocsPerRun would round a few down to 0) and requires none.
func TestStepDoesNotAllocate(t *testing.T) {
	g := kerneltest.BAGraph(2000, 2, 3)
	for _, c := range []struct {
		name  string
		dims  int
		theta float32
	}{{"3D", 3, 0.9}, {"2D", 2, 0.9}, {"3D/exact", 3, 0}} {
		t.Run(c.name, func(t *testing.T) {
			p := kernel.Defaults()
			p.Dims, p.Theta, p.Workers = c.dims, c.theta, 3
			k, err := New(p)
			if err != nil {
				t.Fatal(err)
			}
			defer k.Close()
			if err := k.Upload(g); err != nil {
				t.Fatal(err)
			}
			err = k.SetConstraints(kernel.Constraints{
				Pins:      []kernel.Pin{{Node: 1, X: 1}},
				Distances: []kernel.Distance{{A: 2, B: 3, Length: 4}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := k.Step(20); err != nil { // lists reach their steady size
				t.Fatal(err)
			}
			if a, where := stepAllocs(t, k, 2*reorderEvery+1); a != 0 {
				t.Errorf("%d calls of Step(1) allocated %d times, want 0:\n%s", 2*reorderEvery+1, a, where)
			}
		})
	}
}

// stepAllocs returns the heap allocations made by kernel code during
// calls calls of k.Step(1), with their stacks. Every allocation is
// recorded (MemProfileRate 1) and kept when its stack passes through
// non-test code of this package, unless on the way there it passes
// through the runtime's own bookkeeping for blocking and threads: the
// workers' channels and WaitGroup block on wait records (sudogs) from
// caches that a garbage collection empties, and the scheduler may start a
// thread. Those allocations are the Go runtime's, not the kernel's.
func stepAllocs(t *testing.T, k *Kernel, calls int) (int64, string) {
	t.Helper()
	defer func(r int) { runtime.MemProfileRate = r }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1
	before := memProfile()
	for i := 0; i < calls; i++ {
		if err := k.Step(1); err != nil {
			t.Fatal(err)
		}
	}
	after := memProfile()
	var n int64
	var where strings.Builder
	for stk, objs := range after {
		if d := objs - before[stk]; d > 0 && kernelAlloc(stk) {
			n += d
			fmt.Fprintf(&where, "%d at:\n", d)
			frames := runtime.CallersFrames(stk[:])
			for {
				f, more := frames.Next()
				fmt.Fprintf(&where, "\t%s %s:%d\n", f.Function, f.File, f.Line)
				if !more {
					break
				}
			}
		}
	}
	return n, where.String()
}

// memProfile returns the allocation counts by stack, complete up to now:
// the runtime publishes a cycle's allocations two collections later.
func memProfile() map[[32]uintptr]int64 {
	for range 3 {
		runtime.GC()
	}
	var recs []runtime.MemProfileRecord
	for {
		n, ok := runtime.MemProfile(recs, true)
		if ok {
			recs = recs[:n]
			break
		}
		recs = make([]runtime.MemProfileRecord, n+64)
	}
	m := make(map[[32]uintptr]int64, len(recs))
	for _, r := range recs {
		m[r.Stack0] += r.AllocObjects
	}
	return m
}

// kernelAlloc reports whether an allocation with stack stk was made by
// kernel code of this package rather than by the runtime's bookkeeping.
func kernelAlloc(stk [32]uintptr) bool {
	frames := runtime.CallersFrames(stk[:])
	for {
		f, more := frames.Next()
		switch f.Function {
		case "runtime.acquireSudog", "runtime.allocm", "runtime.newm", "runtime.malg", "runtime.newproc1":
			return false
		}
		if strings.HasPrefix(f.Function, "github.com/protoack/protoack/actors/forcecompute/cpu.") &&
			!strings.HasSuffix(f.File, "_test.go") {
			return true
		}
		if !more {
			return false
		}
	}
}
