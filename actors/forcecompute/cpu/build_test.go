package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// refCell is one cell of a tree as a walk sees it, without arena indices.
type refCell struct {
	cx, cy, cz, mass, open2 float32
	lo, hi                  int32
	children                int // 0 for a leaf
	group                   bool
}

// serialTree builds the tree over t's sorted keys and positions by the
// plain recursive algorithm (one worker, no tasks, no gaps) and returns its
// cells in preorder.
func serialTree(t *tree) []refCell {
	var out []refCell
	var build func(lo, hi int32, grouped bool) int
	build = func(lo, hi int32, grouped bool) int {
		idx := len(out)
		out = append(out, refCell{lo: lo, hi: hi})
		if !grouped && hi-lo <= groupMax {
			out[idx].group = true
			grouped = true
		}
		lv := t.level(t.keys[lo], t.keys[hi-1])
		if hi-lo <= leafSize || lv == levels {
			var sx, sy, sz float32
			for s := lo; s < hi; s++ {
				sx += t.sx[s]
				sy += t.sy[s]
			}
			if t.sz != nil {
				for s := lo; s < hi; s++ {
					sz += t.sz[s]
				}
			}
			m := float32(hi - lo)
			c := &out[idx]
			c.cx, c.cy, c.cz, c.mass, c.open2 = sx/m, sy/m, sz/m, m, t.open2[lv]
			return idx
		}
		shift := t.dbits * uint(levels-1-lv)
		mask := uint64(1)<<t.dbits - 1
		var mx, my, mz, m float32
		kids := 0
		for start := lo; start < hi; {
			d := (t.keys[start] >> shift) & mask
			a := start + 1
			for a < hi && (t.keys[a]>>shift)&mask == d {
				a++
			}
			c := out[build(start, a, grouped)]
			mx += c.cx * c.mass
			my += c.cy * c.mass
			mz += c.cz * c.mass
			m += c.mass
			kids++
			start = a
		}
		c := &out[idx]
		c.cx, c.cy, c.cz, c.mass, c.open2, c.children = mx/m, my/m, mz/m, m, t.open2[lv], kids
		return idx
	}
	build(0, int32(len(t.keys)), false)
	return out
}

// arenaTree returns the cells of the built arena in preorder, as a walk
// reaches them.
func arenaTree(t *testing.T, tr *tree) []refCell {
	t.Helper()
	groups := map[int32]bool{}
	for _, g := range tr.groups {
		groups[g] = true
	}
	var out []refCell
	for _, i := range reachable(t, tr) {
		nd := &tr.nodes[i]
		c := refCell{cx: nd.cx, cy: nd.cy, cz: nd.cz, mass: nd.mass, open2: nd.open2, lo: nd.lo, hi: nd.hi, group: groups[int32(i)]}
		if !nd.leaf() {
			for ch := int32(i) + 1; ch != nd.next; ch = tr.nodes[ch].after() {
				c.children++
			}
		}
		out = append(out, c)
	}
	if len(groups) != len(tr.groups) {
		t.Fatalf("%d groups listed, %d distinct", len(tr.groups), len(groups))
	}
	for j := 1; j < len(tr.groups); j++ {
		if tr.groups[j-1] >= tr.groups[j] {
			t.Fatalf("groups not in preorder at %d", j)
		}
	}
	return out
}

// TestParallelBuildMatchesSerial builds trees by tasks on workers and
// checks that a walk sees exactly the cells (values bit for bit, node
// ranges, children, groups) that a plain serial build makes, for several
// worker counts, on random clouds of several sizes and on degenerate ones:
// one node, fewer nodes than workers, all nodes at one point, a few
// distinct points, a dense clump far from a few outliers (enough nodes for
// the parallel sort), clumps under chains of cells above the tasks, and
// subtrees of more cells than nodes (which need the wide build).
func TestParallelBuildMatchesSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type cloud struct {
		name string
		n    int
		pos  func(i, c int) float32
	}
	clouds := []cloud{
		{"one", 1, func(i, c int) float32 { return 5 }},
		{"three", 3, func(i, c int) float32 { return float32(i*7 + c) }},
		{"same point", 3000, func(i, c int) float32 { return -2 }},
		{"four points", 5000, func(i, c int) float32 { return float32(i % 4 * (c + 1)) }},
		{"uniform", 20000, func(i, c int) float32 { return rng.Float32()*1000 - 500 }},
		{"clump and outliers", parallelSortMin + 7000, func(i, c int) float32 {
			if i < 5 {
				return float32(i) * 1e4
			}
			return float32(rng.NormFloat64())
		}},
		{"big peeled clumps", 40 * (cutMin + 22), peeled(cutMin + 22)},
		{"small peeled clumps", 200 * 21, peeled(21)},
	}
	for _, dims := range []int{2, 3} {
		for _, cl := range clouds {
			pos := make([]float32, dims*cl.n)
			for c := 0; c < dims; c++ {
				for i := 0; i < cl.n; i++ {
					pos[c*cl.n+i] = cl.pos(i, c)
				}
			}
			var want []refCell
			for _, w := range []int{1, 2, 5} {
				t.Run(fmt.Sprintf("%dD/%s/workers=%d", dims, cl.name, w), func(t *testing.T) {
					got, ref, tr := buildOn(t, dims, w, pos)
					switch cl.name {
					case "big peeled clumps":
						if len(tr.tops) <= 2*cl.n/cutMin {
							t.Fatalf("%d cells above the tasks, want chains of more than %d", len(tr.tops), 2*cl.n/cutMin)
						}
					case "small peeled clumps":
						if !tr.wide {
							t.Fatal("no task ran out of m+1 cells, want the wide build")
						}
					default:
						if tr.wide {
							t.Fatal("a task ran out of m+1 cells")
						}
					}
					if want == nil {
						want = ref
					}
					if len(got) != len(want) {
						t.Fatalf("%d cells, serial build has %d", len(got), len(want))
					}
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("cell %d (preorder) is %+v, serial build has %+v", i, got[i], want[i])
						}
					}
				})
			}
		}
	}
}

// peeled returns a cloud of clumps of coincident nodes, each in its own
// cell of side 4096 (key units), with one node beside it at each offset
// 2^11, 2^10, ..., 1, so that every level below splits one node off: a
// chain of cells, each with a one-node leaf beside it. Big clumps make the
// chains lie above the tasks; small ones make a task's subtree need more
// than one cell per node. Two nodes at 0 and at 65535.5 fix the key grid
// (integer positions are their keys). size includes the 12 peeled nodes.
func peeled(size int) func(i, c int) float32 {
	const peels = 12
	return func(i, c int) float32 {
		switch i {
		case 0:
			return 0
		case 1:
			return 65535.5
		}
		j, r := i/size, i%size
		base := [3]float32{float32(1+j%15) * 4096, float32(1+j/15) * 4096, 4096}[c]
		if r < peels && c == 0 {
			return base + float32(int(1)<<r)
		}
		return base
	}
}

// edgeless returns a kernel of the default parameters with dims and w
// workers, holding n nodes and no edges; the caller closes it.
func edgeless(t *testing.T, dims, w, n int) *Kernel {
	t.Helper()
	p := kernel.Defaults()
	p.Dims, p.Workers = dims, w
	k, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Upload(kernel.Graph{Nodes: n, RowPtr: make([]int32, n+1)}); err != nil {
		k.Close()
		t.Fatal(err)
	}
	return k
}

// buildOn builds the tree over positions pos with w workers and returns
// the walk's cells and the serial build's over the same sorted order.
func buildOn(t *testing.T, dims, w int, pos []float32) (got, ref []refCell, tr *tree) {
	t.Helper()
	n := len(pos) / dims
	k := edgeless(t, dims, w, n)
	defer k.Close()
	if err := k.SetPositions(pos); err != nil {
		t.Fatal(err)
	}
	k.startPool()
	k.buildTree()
	tr = &k.tree
	seen := make([]bool, n)
	for s := range n {
		if s > 0 && tr.keys[s-1] > tr.keys[s] {
			t.Fatalf("keys not sorted at %d", s)
		}
		if seen[tr.perm[s]] {
			t.Fatalf("node %d sorted twice", tr.perm[s])
		}
		seen[tr.perm[s]] = true
		i := int(tr.perm[s])
		if tr.sx[s] != pos[i] || tr.sy[s] != pos[n+i] || dims == 3 && tr.sz[s] != pos[2*n+i] {
			t.Fatalf("sorted position %d holds (%v, %v), node %d is at (%v, %v)", s, tr.sx[s], tr.sy[s], i, pos[i], pos[n+i])
		}
	}
	if n >= 20000 && len(tr.tasks) < 8 {
		t.Fatalf("%d nodes built in %d tasks, want at least 8", n, len(tr.tasks))
	}
	return arenaTree(t, tr), serialTree(tr), tr
}
