package cpu

import (
	"math"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
)

// TestTreeInvariants checks the arena after a build: sorted keys, every
// node in exactly one leaf, preorder next links, masses and centres of
// mass, and groups covering every node once.
func TestTreeInvariants(t *testing.T) {
	for _, dims := range []int{2, 3} {
		p := kernel.Defaults()
		p.Dims, p.Workers = dims, 2
		k, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		defer k.Close()
		const n = 5000
		if err := k.Upload(kerneltest.BAGraph(n, 2, 8)); err != nil {
			t.Fatal(err)
		}
		// Coincident nodes exercise the depth cut-off.
		pins := []kernel.Pin{{Node: 10}, {Node: 11}, {Node: 12}, {Node: 13}, {Node: 14}, {Node: 15}, {Node: 16}, {Node: 17}, {Node: 18}, {Node: 19}}
		if err := k.SetConstraints(kernel.Constraints{Pins: pins}); err != nil {
			t.Fatal(err)
		}
		if err := k.Step(5); err != nil {
			t.Fatal(err)
		}
		k.startPool()
		k.buildTree()
		tr := &k.tree
		for s := 1; s < n; s++ {
			if tr.keys[s-1] > tr.keys[s] {
				t.Fatalf("%dD: keys not sorted at %d", dims, s)
			}
		}
		seen := make([]int, n)
		for _, i := range reachable(t, tr) {
			nd := &tr.nodes[i]
			if int(nd.after()) <= i || int(nd.after()) > len(tr.nodes) {
				t.Fatalf("%dD: cell %d next %d", dims, i, nd.next)
			}
			var mx, my, mz float64
			for s := nd.lo; s < nd.hi; s++ {
				if nd.leaf() {
					seen[tr.perm[s]]++
				}
				mx += float64(tr.sx[s])
				my += float64(tr.sy[s])
				if dims == 3 {
					mz += float64(tr.sz[s])
				}
			}
			m := float64(nd.hi - nd.lo)
			if float64(nd.mass) != m {
				t.Fatalf("%dD: cell %d mass %v, want %v", dims, i, nd.mass, m)
			}
			tol := 1e-3 * (1 + math.Abs(mx/m) + math.Abs(my/m) + math.Abs(mz/m))
			if math.Abs(float64(nd.cx)-mx/m)+math.Abs(float64(nd.cy)-my/m)+math.Abs(float64(nd.cz)-mz/m) > tol {
				t.Fatalf("%dD: cell %d centre (%v,%v,%v), want (%v,%v,%v)", dims, i, nd.cx, nd.cy, nd.cz, mx/m, my/m, mz/m)
			}
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("%dD: node %d in %d leaves", dims, i, c)
			}
		}
		covered := make([]int, n)
		for _, gi := range tr.groups {
			for s := tr.nodes[gi].lo; s < tr.nodes[gi].hi; s++ {
				covered[s]++
			}
		}
		for s, c := range covered {
			if c != 1 {
				t.Fatalf("%dD: sorted position %d in %d groups, want 1", dims, s, c)
			}
		}
	}
}

// reachable lists the cells a walk can reach, in preorder: from each cell,
// its first child is the next index and its next sibling is after().
func reachable(t *testing.T, tr *tree) []int {
	t.Helper()
	var out []int
	var visit func(i int32)
	visit = func(i int32) {
		out = append(out, int(i))
		nd := &tr.nodes[i]
		if nd.leaf() {
			return
		}
		for c := i + 1; c != nd.next; c = tr.nodes[c].after() {
			visit(c)
		}
	}
	if len(tr.nodes) > 0 {
		visit(0)
		if a := tr.nodes[0].after(); int(a) != len(tr.nodes) {
			t.Fatalf("root's next %d, want the arena's end %d", a, len(tr.nodes))
		}
	}
	return out
}
