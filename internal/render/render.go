package render

import (
	"errors"
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// ColorBy chooses what node colours show.
type ColorBy int

const (
	ByDegree    ColorBy = iota // viridis over log degree: dark purple leaves, yellow-green hubs
	ByComponent                // one colour per connected component, largest first
)

// Options configure Draw. The zero value draws 1600x1200 by degree.
type Options struct {
	Width, Height int // pixels; 0 means 1600 x 1200
	ColorBy       ColorBy
}

// Default image size.
const (
	DefaultWidth  = 1600
	DefaultHeight = 1200
)

var (
	background = [3]float64{1, 1, 1}
	edgeColor  = [3]float64{0.16, 0.20, 0.30}
)

// Draw draws g laid out at pos (structure of arrays, dims 2 or 3, as
// kernel.Kernel.Positions writes it). Nodes or edges with a non-finite
// coordinate are left out.
func Draw(g *kernel.Graph, pos []float32, dims int, opt Options) (*image.RGBA, error) {
	w, h := opt.Width, opt.Height
	if w == 0 && h == 0 {
		w, h = DefaultWidth, DefaultHeight
	}
	switch {
	case g == nil:
		return nil, errors.New("render: nil graph")
	case w < 16 || h < 16 || w > 1<<14 || h > 1<<14:
		return nil, fmt.Errorf("render: size %dx%d must be within 16..16384 on each side", w, h)
	case dims != 2 && dims != 3:
		return nil, fmt.Errorf("render: dims=%d must be 2 or 3", dims)
	case len(pos) < dims*g.Nodes:
		return nil, fmt.Errorf("render: len(pos)=%d < dims*nodes=%d", len(pos), dims*g.Nodes)
	case len(g.RowPtr) != g.Nodes+1:
		return nil, fmt.Errorf("render: graph: len(RowPtr)=%d, want Nodes+1=%d", len(g.RowPtr), g.Nodes+1)
	}
	n := g.Nodes
	px, py, depth := project(pos, n, dims)
	radius := fit(px, py, w, h, n)

	c := newCanvas(w, h)
	c.edges(g, px, py)
	img := c.composite()
	c.nodes(img, g, px, py, depth, radius, opt.ColorBy)
	return img, nil
}

// project maps node positions to the image plane: 2D as is (y up), 3D after
// a yaw of 30 and a pitch of 20 degrees. depth grows away from the viewer
// (nil in 2D). Non-finite points become NaN.
func project(pos []float32, n, dims int) (px, py, depth []float64) {
	px, py = make([]float64, n), make([]float64, n)
	if dims == 3 {
		depth = make([]float64, n)
	}
	const yaw, pitch = 30 * math.Pi / 180, 20 * math.Pi / 180
	cy, sy, cp, sp := math.Cos(yaw), math.Sin(yaw), math.Cos(pitch), math.Sin(pitch)
	for i := 0; i < n; i++ {
		x, y := float64(pos[i]), float64(pos[n+i])
		if dims == 2 {
			px[i], py[i] = x, -y
		} else {
			z := float64(pos[2*n+i])
			x, z = cy*x+sy*z, -sy*x+cy*z // yaw about y
			y, z = cp*y-sp*z, sp*y+cp*z  // pitch about x
			px[i], py[i], depth[i] = x, -y, z
		}
		if math.IsInf(px[i], 0) || math.IsInf(py[i], 0) || (depth != nil && math.IsInf(depth[i], 0)) {
			px[i] = math.NaN()
		}
	}
	return px, py, depth
}

// fit scales and shifts px, py in place into pixel coordinates, keeping the
// aspect ratio with a margin, and returns the base node radius in pixels.
func fit(px, py []float64, w, h, n int) float64 {
	// Base radius: a sixth of the spacing of n nodes spread over the image,
	// between 0.7 and 4 pixels, so that edges stay visible between nodes.
	r := math.Min(math.Max(0.16*math.Sqrt(float64(w*h)/float64(max(n, 1))), 0.7), 4)
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range px {
		if math.IsNaN(px[i]) || math.IsNaN(py[i]) {
			continue
		}
		minX, maxX = math.Min(minX, px[i]), math.Max(maxX, px[i])
		minY, maxY = math.Min(minY, py[i]), math.Max(maxY, py[i])
	}
	if minX > maxX { // no finite point
		return r
	}
	margin := 0.04*float64(min(w, h)) + 2*r
	sx := (float64(w) - 2*margin) / math.Max(maxX-minX, 1e-30)
	sy := (float64(h) - 2*margin) / math.Max(maxY-minY, 1e-30)
	s := math.Min(sx, sy)
	if maxX-minX == 0 && maxY-minY == 0 {
		s = 0 // one point: the centre
	}
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	for i := range px {
		px[i] = float64(w)/2 + (px[i]-cx)*s
		py[i] = float64(h)/2 + (py[i]-cy)*s
	}
	return r
}

// nodeOrder returns the nodes to draw, back to front: by depth in 3D,
// by degree in 2D (hubs last, on top).
func nodeOrder(g *kernel.Graph, depth []float64) []int32 {
	order := make([]int32, g.Nodes)
	for i := range order {
		order[i] = int32(i)
	}
	if depth != nil {
		slices.SortFunc(order, func(a, b int32) int { return cmpFloat(depth[b], depth[a]) })
	} else {
		deg := func(i int32) int32 { return g.RowPtr[i+1] - g.RowPtr[i] }
		slices.SortStableFunc(order, func(a, b int32) int { return int(deg(a) - deg(b)) })
	}
	return order
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// components labels each node with the size rank of its connected
// component (0 is the largest).
func components(g *kernel.Graph) []int32 {
	parent := make([]int32, g.Nodes)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i := 0; i < g.Nodes; i++ {
		for k := g.RowPtr[i]; k < g.RowPtr[i+1]; k++ {
			if a, b := find(int32(i)), find(g.Col[k]); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	size := make([]int32, g.Nodes)
	for i := range parent {
		size[find(int32(i))]++
	}
	roots := make([]int32, 0)
	for i, s := range size {
		if s > 0 {
			roots = append(roots, int32(i))
		}
	}
	slices.SortStableFunc(roots, func(a, b int32) int { return int(size[b] - size[a]) })
	rank := make([]int32, g.Nodes)
	for r, root := range roots {
		rank[root] = int32(r)
	}
	out := make([]int32, g.Nodes)
	for i := range out {
		out[i] = rank[find(int32(i))]
	}
	return out
}
