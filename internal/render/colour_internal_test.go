package render

import (
	"image/color"
	"math"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

func TestViridis(t *testing.T) {
	// matplotlib's viridis at 0, 0.5 and 1.
	for _, c := range []struct {
		t    float64
		want [3]float64
	}{
		{0, [3]float64{68, 1, 84}}, {0.5, [3]float64{33, 145, 140}}, {1, [3]float64{253, 231, 37}},
	} {
		got := viridis(c.t)
		for k := range got {
			if math.Abs(got[k]*255-c.want[k]) > 4 {
				t.Errorf("viridis(%v) = %v, want %v/255", c.t, got, c.want)
			}
		}
	}
	// Perceptual: lightness rises monotonically.
	prev := -1.0
	for i := 0; i <= 100; i++ {
		c := viridis(float64(i) / 100)
		l := 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
		if l < prev {
			t.Fatalf("luminance falls at %d%%", i)
		}
		prev = l
	}
}

// pixelOf returns where Draw puts node i.
func pixelOf(pos []float32, n, dims, w, h, i int) (int, int) {
	px, py, _ := project(pos, n, dims)
	fit(px, py, w, h, n)
	return int(px[i]), int(py[i])
}

func near(c color.RGBA, want [3]float64, tol float64) bool {
	return math.Abs(float64(c.R)-want[0]*255) <= tol && math.Abs(float64(c.G)-want[1]*255) <= tol && math.Abs(float64(c.B)-want[2]*255) <= tol
}

func TestNodeColours(t *testing.T) {
	// A star of 12 leaves around a hub, and a separate pair: by degree the
	// hub is the top of the map and leaves the bottom; by component the
	// star is the first palette colour and the pair the second.
	const n = 15
	var edges []kernel.Edge
	pos := make([]float32, 2*n)
	for i := 1; i <= 12; i++ {
		edges = append(edges, kernel.Edge{A: 0, B: int32(i)})
		a := 2 * math.Pi * float64(i) / 12
		pos[i], pos[n+i] = float32(10*math.Cos(a)), float32(10*math.Sin(a))
	}
	edges = append(edges, kernel.Edge{A: 13, B: 14})
	pos[13], pos[n+13], pos[14], pos[n+14] = 14, 14, 14, 13
	g, err := kernel.FromEdges(n, edges)
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 400, 400
	img, err := Draw(&g, pos, 2, Options{Width: w, Height: h})
	if err != nil {
		t.Fatal(err)
	}
	hx, hy := pixelOf(pos, n, 2, w, h, 0)
	lx, ly := pixelOf(pos, n, 2, w, h, 3)
	if c := img.RGBAAt(hx, hy); !near(c, viridis(0.92), 3) {
		t.Errorf("hub pixel %v, want viridis(0.92) %v", c, viridis(0.92))
	}
	if c := img.RGBAAt(lx, ly); !near(c, viridis(0), 3) {
		t.Errorf("leaf pixel %v, want viridis(0) %v", c, viridis(0))
	}
	img, _ = Draw(&g, pos, 2, Options{Width: w, Height: h, ColorBy: ByComponent})
	px, py := pixelOf(pos, n, 2, w, h, 13)
	for _, c := range []struct {
		x, y int
		rgb  [3]uint8
	}{{hx, hy, categorical[0]}, {lx, ly, categorical[0]}, {px, py, categorical[1]}} {
		want := [3]float64{float64(c.rgb[0]) / 255, float64(c.rgb[1]) / 255, float64(c.rgb[2]) / 255}
		if got := img.RGBAAt(c.x, c.y); !near(got, want, 3) {
			t.Errorf("pixel (%d,%d) %v, want %v", c.x, c.y, got, c.rgb)
		}
	}
}
