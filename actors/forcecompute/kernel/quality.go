package kernel

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// EdgeCV is the coefficient of variation (std/mean) of edge lengths of a
// drawing, as layoutq.py defines it. pos is structure of arrays as
// Kernel.Positions writes it. Lower is better; +Inf when every edge has
// length 0, NaN when the graph has no edge.
func EdgeCV(g *Graph, pos []float32, dims int) (float64, error) {
	if err := checkDrawing(g, pos, dims); err != nil {
		return 0, err
	}
	n := g.Nodes
	var sum, sum2 float64
	var cnt int
	for i := 0; i < n; i++ {
		for k := g.RowPtr[i]; k < g.RowPtr[i+1]; k++ {
			j := int(g.Col[k])
			l := dist(pos, n, dims, i, j)
			sum += l
			sum2 += l * l
			cnt++
		}
	}
	if cnt == 0 {
		return math.NaN(), nil
	}
	mean := sum / float64(cnt)
	if mean == 0 {
		return math.Inf(1), nil
	}
	v := math.Max(0, sum2/float64(cnt)-mean*mean)
	return math.Sqrt(v) / mean, nil
}

// Stress is layoutq.py's scale-normalised sampled stress: from up to pivots
// nodes of nonzero degree, sampled without replacement by a PCG seeded with
// seed, hop distances d_pj by breadth-first search give ratios
// r = |x_p - x_j| / d_pj over every node j reachable from p (d_pj > 0); with
// the optimal scale s = sum r / sum r^2, Stress = mean((s*r - 1)^2).
// 0 is perfect; NaN when no pair is reachable.
func Stress(g *Graph, pos []float32, dims, pivots int, seed uint64) (float64, error) {
	if err := checkDrawing(g, pos, dims); err != nil {
		return 0, err
	}
	if pivots <= 0 {
		return 0, fmt.Errorf("kernel: Stress: pivots=%d must be > 0", pivots)
	}
	n := g.Nodes
	cand := make([]int32, 0, n)
	for i := 0; i < n; i++ {
		if g.RowPtr[i+1] > g.RowPtr[i] {
			cand = append(cand, int32(i))
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5354524553530000))
	k := min(pivots, len(cand))
	for a := 0; a < k; a++ {
		b := a + rng.IntN(len(cand)-a)
		cand[a], cand[b] = cand[b], cand[a]
	}
	hop := make([]int32, n)
	queue := make([]int32, 0, n)
	var sr, srr float64
	var cnt int
	for _, p := range cand[:k] {
		for i := range hop {
			hop[i] = -1
		}
		hop[p] = 0
		queue = append(queue[:0], p)
		for h := 0; h < len(queue); h++ {
			u := queue[h]
			for e := g.RowPtr[u]; e < g.RowPtr[u+1]; e++ {
				v := g.Col[e]
				if hop[v] < 0 {
					hop[v] = hop[u] + 1
					queue = append(queue, v)
				}
			}
		}
		for _, j := range queue[1:] {
			r := dist(pos, n, dims, int(p), int(j)) / float64(hop[j])
			sr += r
			srr += r * r
			cnt++
		}
	}
	if cnt == 0 || srr == 0 {
		return math.NaN(), nil
	}
	// mean((s*r - 1)^2) with s = sr/srr expands to 1 - sr^2/(srr*cnt).
	return math.Max(0, 1-sr*sr/(srr*float64(cnt))), nil
}

func checkDrawing(g *Graph, pos []float32, dims int) error {
	if g == nil {
		return errors.New("kernel: quality: nil graph")
	}
	if err := g.Validate(); err != nil {
		return err
	}
	if dims != 2 && dims != 3 {
		return fmt.Errorf("kernel: quality: dims=%d must be 2 or 3", dims)
	}
	if len(pos) < dims*g.Nodes {
		return fmt.Errorf("kernel: quality: len(pos)=%d < dims*nodes=%d", len(pos), dims*g.Nodes)
	}
	return nil
}

func dist(pos []float32, n, dims, i, j int) float64 {
	var s float64
	for c := 0; c < dims; c++ {
		d := float64(pos[c*n+i]) - float64(pos[c*n+j])
		s += d * d
	}
	return math.Sqrt(s)
}

// ComponentSpread measures how far the smaller connected components of a
// drawing sit from the largest one: the median, over every other component,
// of the distance from its centroid to the largest component's centroid,
// divided by the largest component's radius (the 95th percentile of its
// nodes' distances from its centroid). Below 1 a component sits inside the
// largest one's disc, near 1 at its rim; lower is more compact. NaN when
// the graph has one component or its largest one has zero radius.
func ComponentSpread(g *Graph, pos []float32, dims int) (float64, error) {
	if err := checkDrawing(g, pos, dims); err != nil {
		return 0, err
	}
	n := g.Nodes
	comp := make([]int32, n)
	for i := range comp {
		comp[i] = -1
	}
	var sizes []int
	queue := make([]int32, 0, n)
	for s := 0; s < n; s++ {
		if comp[s] >= 0 {
			continue
		}
		c := int32(len(sizes))
		comp[s] = c
		queue = append(queue[:0], int32(s))
		for h := 0; h < len(queue); h++ {
			u := queue[h]
			for e := g.RowPtr[u]; e < g.RowPtr[u+1]; e++ {
				if v := g.Col[e]; comp[v] < 0 {
					comp[v] = c
					queue = append(queue, v)
				}
			}
		}
		sizes = append(sizes, len(queue))
	}
	if len(sizes) < 2 {
		return math.NaN(), nil
	}
	giant := int32(0)
	for c, s := range sizes {
		if s > sizes[giant] {
			giant = int32(c)
		}
	}
	cent := make([][3]float64, len(sizes))
	for i := 0; i < n; i++ {
		for c := 0; c < dims; c++ {
			cent[comp[i]][c] += float64(pos[c*n+i])
		}
	}
	for k := range cent {
		for c := 0; c < dims; c++ {
			cent[k][c] /= float64(sizes[k])
		}
	}
	gc := cent[giant]
	from := func(p [3]float64) float64 {
		var s float64
		for c := 0; c < dims; c++ {
			s += (p[c] - gc[c]) * (p[c] - gc[c])
		}
		return math.Sqrt(s)
	}
	radii := make([]float64, 0, sizes[giant])
	for i := 0; i < n; i++ {
		if comp[i] == giant {
			var p [3]float64
			for c := 0; c < dims; c++ {
				p[c] = float64(pos[c*n+i])
			}
			radii = append(radii, from(p))
		}
	}
	slices.Sort(radii)
	r := radii[(len(radii)-1)*95/100]
	if !(r > 0) {
		return math.NaN(), nil
	}
	dists := make([]float64, 0, len(sizes)-1)
	for k := range cent {
		if int32(k) != giant {
			dists = append(dists, from(cent[k])/r)
		}
	}
	slices.Sort(dists)
	m := len(dists)
	if m%2 == 1 {
		return dists[m/2], nil
	}
	return (dists[m/2-1] + dists[m/2]) / 2, nil
}
