package progress_test

import (
	"math"
	"os"
	"time"

	"github.com/protoack/protoack/internal/progress"
)

func ExampleReporter() {
	// A fake clock: 200 ticks per second. The energy halves every 50 ticks
	// and the run counts as settled below 1: at tick 200, ln(62.5)/(ln 2/50)
	// = 298 ticks are left, 1.5 s.
	now := time.Unix(0, 0)
	r := progress.New(progress.Config{
		Out:    os.Stdout, // a command passes its stderr
		Now:    func() time.Time { return now },
		Settle: 1,
	})
	tick, kinetic := 0, 1000.0
	for kinetic >= 1 {
		tick++
		now = now.Add(5 * time.Millisecond)
		kinetic = 1000 * math.Pow(0.5, float64(tick)/50)
		r.Update(tick, kinetic)
	}
	r.Finish(true)
	// Output:
	// tick 200  kinetic 62.5  200 ticks/s  ETA 1.5s
	// tick 400  kinetic 3.906  200 ticks/s  ETA 500ms
	// settled at tick 499: kinetic 0.9902, 200 ticks/s, 2.495s
}
