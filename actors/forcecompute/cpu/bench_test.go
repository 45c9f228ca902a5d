package cpu

import (
	"fmt"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

var sinkKE float64

// BenchmarkStep times one tick on BA graphs (m=2) after 50 ticks of layout,
// so the tree has the shape of a layout in progress.
func BenchmarkStep(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		g := kerneltest.BAGraph(n, 2, 42)
		for _, dims := range []int{3, 2} {
			b.Run(fmt.Sprintf("%dD/n=%dk", dims, n/1000), func(b *testing.B) {
				p := kernel.Defaults()
				p.Dims = dims
				k, err := New(p)
				if err != nil {
					b.Fatal(err)
				}
				defer k.Close()
				if err := k.Upload(g); err != nil {
					b.Fatal(err)
				}
				if err := k.Step(50); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if err := k.Step(1); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/tick")
				sinkKE = k.KineticEnergy()
			})
		}
	}
}
