package cpu

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// TestSortKeysParallel checks the parallel radix sort against a stable
// sort for several worker counts, on keys that differ in every digit and
// on keys that share their top digits (so passes are skipped), including
// shares smaller than a worker count.
func TestSortKeysParallel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 3, 1000, parallelSortMin + 5, 5*sortChunkSize + 77} {
		for _, dims := range []int{2, 3} {
			for _, mask := range []uint64{1<<(16*uint(dims)) - 1, 0xfff} {
				keys := make([]uint64, n)
				for i := range keys {
					keys[i] = rng.Uint64() & mask
				}
				want := make([]int32, n)
				for i := range want {
					want[i] = int32(i)
				}
				slices.SortStableFunc(want, func(a, b int32) int {
					switch {
					case keys[a] < keys[b]:
						return -1
					case keys[a] > keys[b]:
						return 1
					}
					return 0
				})
				for _, w := range []int{1, 2, 5} {
					p := kernel.Defaults()
					p.Dims, p.Workers = dims, w
					k, err := New(p)
					if err != nil {
						t.Fatal(err)
					}
					k.n = n
					k.tree.alloc(n, dims)
					k.hist = make([][1 << radixBits]int32, chunks(n, sortChunk(n)))
					copy(k.tree.keys, keys)
					for i := range k.tree.perm {
						k.tree.perm[i] = int32(i)
					}
					k.startPool()
					sort := func() {
						// What buildTree does once the keys are written.
						k.sortSetup()
						k.parallel(phaseCount, k.tree.sortChunks)
						k.sortKeys()
					}
					sort()
					if n >= parallelSortMin && w > 1 {
						// Sorting sorted keys again: every pass runs, on
						// the workers, without allocating (a per-call
						// allocation would show as >= 1 here).
						if a := testing.AllocsPerRun(5, sort); a != 0 {
							t.Errorf("workers %d: sortKeys allocates %v times per call", w, a)
						}
						for i := range k.tree.perm {
							k.tree.perm[i] = int32(i)
						}
						copy(k.tree.keys, keys)
						sort()
					}
					k.Close()
					if !slices.Equal(k.tree.perm, want) {
						t.Fatalf("n=%d %dD mask %#x workers %d: perm differs from a stable sort", n, dims, mask, w)
					}
					for i := 1; i < n; i++ {
						if k.tree.keys[i-1] > k.tree.keys[i] {
							t.Fatalf("n=%d %dD workers %d: keys not sorted at %d", n, dims, w, i)
						}
					}
				}
			}
		}
	}
}
