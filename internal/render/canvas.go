package render

import (
	"image"
	"math"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// canvas accumulates edge ink per pixel before it is composited.
type canvas struct {
	w, h int
	ink  []float32
}

func newCanvas(w, h int) *canvas { return &canvas{w: w, h: h, ink: make([]float32, w*h)} }

// edges draws every edge once, with an opacity that falls as edges get
// more numerous, so that a dense graph shows density instead of a blot.
func (c *canvas) edges(g *kernel.Graph, px, py []float64) {
	m := float64(len(g.Col)) / 2
	a := float32(math.Min(0.8, 0.8*math.Sqrt(4000/math.Max(m, 1))))
	for i := 0; i < g.Nodes; i++ {
		if math.IsNaN(px[i]) || math.IsNaN(py[i]) {
			continue
		}
		for k := g.RowPtr[i]; k < g.RowPtr[i+1]; k++ {
			j := int(g.Col[k])
			if j <= i || j >= g.Nodes || math.IsNaN(px[j]) || math.IsNaN(py[j]) {
				continue
			}
			c.line(px[i], py[i], px[j], py[j], a)
		}
	}
}

// line adds ink a per unit length along the segment, spread over the two
// nearest pixels of each column (Xiaolin Wu's anti-aliasing).
func (c *canvas) line(x0, y0, x1, y1 float64, a float32) {
	steep := math.Abs(y1-y0) > math.Abs(x1-x0)
	if steep {
		x0, y0, x1, y1 = y0, x0, y1, x1
	}
	if x0 > x1 {
		x0, y0, x1, y1 = x1, y1, x0, y0
	}
	dx := x1 - x0
	if dx < 1 { // shorter than a pixel: one dot
		c.dot(x0, y0, steep, a*float32(math.Max(dx, 0.25)))
		return
	}
	grad := (y1 - y0) / dx
	// Each column of a unit-width line holds sqrt(1+grad^2) of its area.
	per := a * float32(math.Sqrt(1+grad*grad))
	for x := math.Ceil(x0 - 0.5); x <= math.Floor(x1-0.5); x++ {
		y := y0 + grad*(x+0.5-x0) - 0.5
		fy := math.Floor(y)
		f := float32(y - fy)
		c.plot(int(x), int(fy), steep, per*(1-f))
		c.plot(int(x), int(fy)+1, steep, per*f)
	}
}

func (c *canvas) dot(x, y float64, steep bool, a float32) {
	c.plot(int(math.Floor(x)), int(math.Floor(y)), steep, a)
}

func (c *canvas) plot(x, y int, steep bool, a float32) {
	if steep {
		x, y = y, x
	}
	if x >= 0 && y >= 0 && x < c.w && y < c.h {
		c.ink[y*c.w+x] += a
	}
}

// composite turns the ink into an image: opacity 1 - exp(-ink) of the edge
// colour over the background.
func (c *canvas) composite() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
	for p, ink := range c.ink {
		o := 1 - math.Exp(-float64(ink))
		q := img.Pix[4*p : 4*p+4 : 4*p+4]
		for k := 0; k < 3; k++ {
			q[k] = to8(background[k] + (edgeColor[k]-background[k])*o)
		}
		q[3] = 255
	}
	return img
}

// nodes draws each node as an anti-aliased disc with a darker rim.
func (c *canvas) nodes(img *image.RGBA, g *kernel.Graph, px, py, depth []float64, r float64, by ColorBy) {
	var comp []int32
	if by == ByComponent {
		comp = components(g)
	}
	// Colour spans the log degrees present; size grows with degree only
	// when degrees are spread (hubs), not on a lattice.
	minDeg, maxDeg := int32(math.MaxInt32), int32(0)
	for i := 0; i < g.Nodes; i++ {
		d := g.RowPtr[i+1] - g.RowPtr[i]
		minDeg, maxDeg = min(minDeg, d), max(maxDeg, d)
	}
	logMin := math.Log1p(float64(minDeg))
	logSpan := math.Log1p(float64(maxDeg)) - logMin
	grow := 0.0
	if maxDeg > 3*max(minDeg, 1) {
		grow = 1.3
	}
	dMin, dMax := math.Inf(1), math.Inf(-1)
	for i, d := range depth {
		if !math.IsNaN(px[i]) && !math.IsNaN(d) {
			dMin, dMax = math.Min(dMin, d), math.Max(dMax, d)
		}
	}
	for _, i := range nodeOrder(g, depth) {
		x, y := px[i], py[i]
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		t := 0.0
		if logSpan > 0 {
			t = (math.Log1p(float64(g.RowPtr[i+1]-g.RowPtr[i])) - logMin) / logSpan
		}
		var col [3]float64
		if comp != nil {
			p := [3]uint8{150, 150, 150}
			if comp[i] < int32(len(categorical)) {
				p = categorical[comp[i]]
			}
			col = [3]float64{float64(p[0]) / 255, float64(p[1]) / 255, float64(p[2]) / 255}
		} else {
			col = viridis(0.92 * t)
		}
		if depth != nil && dMax > dMin { // fade far nodes towards the background
			f := 0.45 * (depth[i] - dMin) / (dMax - dMin)
			for k := range col {
				col[k] += (background[k] - col[k]) * f
			}
		}
		c.disc(img, x, y, r*(1-grow/4+grow*t), col)
	}
}

func (c *canvas) disc(img *image.RGBA, cx, cy, r float64, col [3]float64) {
	x0, x1 := max(int(cx-r-1), 0), min(int(cx+r+1), c.w-1)
	y0, y1 := max(int(cy-r-1), 0), min(int(cy+r+1), c.h-1)
	rim := 0.0
	if r >= 1.5 {
		rim = 1
	}
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			cov := math.Min(math.Max(r+0.5-d, 0), 1)
			if cov == 0 {
				continue
			}
			shade := 1 - 0.45*rim*math.Min(math.Max(d-(r-1.2), 0), 1)
			q := img.Pix[4*(y*c.w+x) : 4*(y*c.w+x)+3 : 4*(y*c.w+x)+3]
			for k := 0; k < 3; k++ {
				old := float64(q[k]) / 255
				q[k] = to8(old + (col[k]*shade-old)*cov)
			}
		}
	}
}

func to8(v float64) uint8 { return uint8(math.Min(math.Max(v, 0), 1)*255 + 0.5) }
