package cpu

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// A multilevel start, as sfdp and FM3 do it: coarsen the graph by matching
// until it is small, lay the coarsest graph out, then repeatedly place each
// node of the finer graph next to the coarse node it was merged into and
// refine the finer layout briefly at a low temperature. The layout's global
// shape is found on a small graph, where a tick is cheap, and the full
// graph only has to settle local detail.
// MultilevelMinNodes is the least node count MultilevelStart coarsens;
// smaller graphs get kernel.InitialPositions and tick 0.
const MultilevelMinNodes = coarsestNodes + 1

const (
	coarsestNodes = 1000 // stop coarsening at or below this many nodes
	maxKeep       = 0.8  // or when a level keeps more than this fraction
	coarseAlpha   = 0.01 // the coarsest layout runs until alpha falls to this
	refineAlpha3D = 0.1  // finer levels start at this alpha in 3D
	refineAlpha2D = 0.5  // and at this one in 2D, where layouts need more movement
	refineTicks   = 15   // and run this many ticks
	maxStartTicks = 300  // cap on the coarsest layout's ticks
)

// MultilevelStart writes into dst (as Kernel.Positions lays it out, length
// p.Dims*g.Nodes) a starting layout of g for parameters p found on coarsened
// copies of g, and returns the tick at which the alpha schedule should go
// on from it (alpha has fallen to 0.1 there in 3D, 0.5 in 2D: a 2D layout
// is wider for its spacing, and with less the hubs' leaves stay crowded,
// edge_cv 0.82 against 0.52 at 100k nodes). Any kernel continues from it
// after Upload(g) with SetPositions(dst) and SetTicks(tick):
//
//	tick, err := cpu.MultilevelStart(p, g, pos)
//	k.Upload(g); k.SetPositions(pos); k.SetTicks(tick); k.Step(...)
//
// The result depends only on p (Workers aside) and g. Constraints are not
// considered. Graphs of at most 1000 nodes get kernel.InitialPositions and
// tick 0.
func MultilevelStart(p kernel.Params, g kernel.Graph, dst []float32) (int, error) {
	return MultilevelStartContext(context.Background(), p, g, dst)
}

// MultilevelStartContext is MultilevelStart that stops early, returning
// ctx's error, when ctx is done (checked every few ticks).
func MultilevelStartContext(ctx context.Context, p kernel.Params, g kernel.Graph, dst []float32) (int, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if err := g.Validate(); err != nil {
		return 0, err
	}
	n, d := g.Nodes, p.Dims
	if len(dst) < d*n {
		return 0, fmt.Errorf("cpu: MultilevelStart: len(dst)=%d, want >= Dims*Nodes=%d", len(dst), d*n)
	}
	refine := refineAlpha3D
	if d == 2 {
		refine = refineAlpha2D
	}
	start := kernel.AlphaTick(p, refine)
	levels := []kernel.Graph{g}
	var parents [][]int32 // parents[l][i]: the node of level l+1 that node i of level l joined
	for levels[len(levels)-1].Nodes > coarsestNodes {
		fine := &levels[len(levels)-1]
		coarse, parent := coarsen(fine)
		if float64(coarse.Nodes) > maxKeep*float64(fine.Nodes) {
			break
		}
		levels = append(levels, coarse)
		parents = append(parents, parent)
	}
	if len(levels) == 1 {
		return 0, kernel.InitialPositions(p, 0, n, dst)
	}
	k, err := New(p)
	if err != nil {
		return 0, err
	}
	defer k.Close()
	top := len(levels) - 1
	if err := k.Upload(levels[top]); err != nil {
		return 0, err
	}
	if err := stepCtx(ctx, k, min(kernel.AlphaTick(p, coarseAlpha), maxStartTicks)+1); err != nil {
		return 0, err
	}
	pos := make([]float32, d*levels[top].Nodes)
	if _, err := k.Positions(pos); err != nil {
		return 0, err
	}
	for l := top - 1; l >= 0; l-- {
		fine := make([]float32, d*levels[l].Nodes)
		interpolate(p, l, parents[l], pos, levels[l+1].Nodes, fine)
		pos = fine
		if l == 0 {
			break
		}
		if err := k.Upload(levels[l]); err != nil {
			return 0, err
		}
		if err := k.SetPositions(pos); err != nil {
			return 0, err
		}
		if err := k.SetTicks(start); err != nil {
			return 0, err
		}
		if err := stepCtx(ctx, k, refineTicks); err != nil {
			return 0, err
		}
		if _, err := k.Positions(pos); err != nil {
			return 0, err
		}
	}
	copy(dst, pos)
	return start, nil
}

// stepCtx steps k ticks times, in runs of at most 10 between checks of ctx.
func stepCtx(ctx context.Context, k *Kernel, ticks int) error {
	for ticks > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		s := min(ticks, 10)
		if err := k.Step(s); err != nil {
			return err
		}
		ticks -= s
	}
	return ctx.Err()
}

// interpolate places node i of the finer level at its parent's position
// scaled to the finer level's size ((nodes ratio)^(1/Dims), the growth of
// a layout whose spacing stays the same), plus a deterministic offset,
// uniform from Seed, level and i in a disc (ball) of radius RestLength *
// (cluster size)^(1/Dims), the room the cluster's nodes will need.
func interpolate(p kernel.Params, level int, parent []int32, coarse []float32, nc int, fine []float32) {
	n, d := len(parent), p.Dims
	scale := float32(math.Pow(float64(n)/float64(nc), 1/float64(d)))
	size := make([]int32, nc)
	for _, c := range parent {
		size[c]++
	}
	rest := math.Max(float64(p.RestLength), 1)
	for i, c := range parent {
		r := rest * math.Pow(float64(size[c]), 1/float64(d))
		h := p.Seed ^ uint64(level)<<40 ^ uint64(i)<<2
		u0 := float64(splitmix64(h)>>11) / (1 << 53)
		u1 := float64(splitmix64(h^1)>>11) / (1 << 53)
		u2 := float64(splitmix64(h^2)>>11) / (1 << 53)
		phi := 2 * math.Pi * u0
		u1 = math.Pow(u1, 1/float64(d)) // uniform in the disc or ball
		off := [3]float64{r * u1 * math.Cos(phi), r * u1 * math.Sin(phi)}
		if d == 3 {
			z := 2*u2 - 1
			s := math.Sqrt(1 - z*z)
			off = [3]float64{r * u1 * s * math.Cos(phi), r * u1 * s * math.Sin(phi), r * u1 * z}
		}
		for k := 0; k < d; k++ {
			fine[k*n+i] = coarse[k*nc+int(c)]*scale + float32(off[k])
		}
	}
}

// coarsen merges nodes of g into clusters and returns the graph of
// clusters (one unit-weight edge between clusters joined by any edge) and
// each node's cluster. Nodes are visited by increasing degree (ties by id);
// an unmatched node is matched with its unmatched neighbour of least
// degree. A node left unmatched with a neighbour then joins the smallest
// cluster among its neighbours' (so a star's leaves join its centre), and
// an isolated node stays alone.
func coarsen(g *kernel.Graph) (kernel.Graph, []int32) {
	n := g.Nodes
	deg := func(i int32) int32 { return g.RowPtr[i+1] - g.RowPtr[i] }
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return int(deg(a) - deg(b)) })
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = -1
	}
	var size []int32
	for _, u := range order {
		if parent[u] >= 0 {
			continue
		}
		best := int32(-1)
		for e := g.RowPtr[u]; e < g.RowPtr[u+1]; e++ {
			v := g.Col[e]
			if v != u && parent[v] < 0 && (best < 0 || deg(v) < deg(best) || deg(v) == deg(best) && v < best) {
				best = v
			}
		}
		if best >= 0 {
			parent[u], parent[best] = int32(len(size)), int32(len(size))
			size = append(size, 2)
		}
	}
	for _, u := range order {
		if parent[u] >= 0 {
			continue
		}
		best := int32(-1)
		for e := g.RowPtr[u]; e < g.RowPtr[u+1]; e++ {
			if c := parent[g.Col[e]]; c >= 0 && (best < 0 || size[c] < size[best] || size[c] == size[best] && c < best) {
				best = c
			}
		}
		if best < 0 {
			best = int32(len(size))
			size = append(size, 0)
		}
		parent[u] = best
		size[best]++
	}
	nc := len(size)
	members := make([]int32, n) // nodes grouped by cluster
	start := make([]int32, nc+1)
	for _, c := range parent {
		start[c+1]++
	}
	for c := 0; c < nc; c++ {
		start[c+1] += start[c]
	}
	fill := slices.Clone(start[:nc])
	for i, c := range parent {
		members[fill[c]] = int32(i)
		fill[c]++
	}
	rowPtr := make([]int32, nc+1)
	var col []int32
	seen := make([]int32, nc) // seen[c'] == c+1: edge c-c' already added
	for c := 0; c < nc; c++ {
		for _, u := range members[start[c]:start[c+1]] {
			for e := g.RowPtr[u]; e < g.RowPtr[u+1]; e++ {
				if o := parent[g.Col[e]]; o != int32(c) && seen[o] != int32(c)+1 {
					seen[o] = int32(c) + 1
					col = append(col, o)
				}
			}
		}
		rowPtr[c+1] = int32(len(col))
	}
	return kernel.Graph{Nodes: nc, RowPtr: rowPtr, Col: col}, parent
}

// splitmix64 is the SplitMix64 output function applied to x + golden gamma.
func splitmix64(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
