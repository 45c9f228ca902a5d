package render_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/graphgen"
	"github.com/protoack/protoack/internal/render"
)

var white = color.RGBA{255, 255, 255, 255}

func graphOf(t testing.TB, n int, edges ...[2]int32) *kernel.Graph {
	e := make([]kernel.Edge, len(edges))
	for k, p := range edges {
		e[k] = kernel.Edge{A: p[0], B: p[1]}
	}
	g, err := kernel.FromEdges(n, e)
	if err != nil {
		t.Fatal(err)
	}
	return &g
}

// randomLayout places n nodes uniformly in a square, structure of arrays.
func randomLayout(n, dims int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	pos := make([]float32, dims*n)
	for i := range pos {
		pos[i] = float32(r.Float64()*200 - 100)
	}
	return pos
}

func inked(img *image.RGBA) (count int, box image.Rectangle) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.RGBAAt(x, y) != white {
				count++
				box = box.Union(image.Rect(x, y, x+1, y+1)) // Union ignores an empty box
			}
		}
	}
	return count, box
}

func TestDrawPNG(t *testing.T) {
	s, _ := graphgen.Parse("ba:2000:2")
	g, _ := s.Generate(1)
	pos := randomLayout(g.Nodes, 2, 1)
	path := filepath.Join(t.TempDir(), "layout.png")
	if err := render.WritePNG(path, &g.Graph, pos, 2, render.Options{Width: 640, Height: 480}); err != nil {
		t.Fatal(err)
	}
	img, err := render.Draw(&g.Graph, pos, 2, render.Options{Width: 640, Height: 480})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := render.EncodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	dec, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b := dec.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
		t.Fatalf("size %v, want 640x480", b)
	}
	colours := map[color.Color]bool{}
	for y := 0; y < 480; y += 3 {
		for x := 0; x < 640; x += 3 {
			colours[dec.At(x, y)] = true
		}
	}
	count, box := inked(img)
	if count < 640*480/4 || len(colours) < 50 {
		t.Errorf("%d inked pixels, %d colours: nearly blank", count, len(colours))
	}
	// Auto-fit: the drawing spans the image up to a margin on its long axis.
	if box.Dy() < 400 || box.Min.Y < 5 || box.Max.Y > 475 {
		t.Errorf("drawing spans %v in a 640x480 image", box)
	}
	// Another layout gives another picture.
	other, _ := render.Draw(&g.Graph, randomLayout(g.Nodes, 2, 2), 2, render.Options{Width: 640, Height: 480})
	if d := differing(img, other); d < 640*480/10 {
		t.Errorf("only %d pixels differ between two layouts", d)
	}
	// The default size.
	def, _ := render.Draw(&g.Graph, pos, 2, render.Options{})
	if b := def.Bounds(); b.Dx() != render.DefaultWidth || b.Dy() != render.DefaultHeight {
		t.Errorf("default size %v", b)
	}
}

func differing(a, b *image.RGBA) int {
	d := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if !bytes.Equal(a.Pix[i:i+4], b.Pix[i:i+4]) {
			d++
		}
	}
	return d
}

func TestEdgesAreDrawn(t *testing.T) {
	// Two nodes at (-1, 0) and (1, 0): the edge crosses the centre of the
	// image; far from it the image is background.
	g := graphOf(t, 2, [2]int32{0, 1})
	img, err := render.Draw(g, []float32{-1, 1, 0, 0}, 2, render.Options{Width: 200, Height: 100})
	if err != nil {
		t.Fatal(err)
	}
	if c := img.RGBAAt(100, 50); c.R > 200 {
		t.Errorf("centre %v: the edge is not drawn", c)
	}
	if c := img.RGBAAt(100, 10); c != white {
		t.Errorf("above the edge %v, want background", c)
	}
	// Without the edge the centre is background.
	img, _ = render.Draw(graphOf(t, 2), []float32{-1, 1, 0, 0}, 2, render.Options{Width: 200, Height: 100})
	if c := img.RGBAAt(100, 50); c != white {
		t.Errorf("centre %v without an edge, want background", c)
	}
}

func TestDraw3DIsRotated(t *testing.T) {
	// Nodes along the z axis only: seen along z they would be one dot; the
	// rotation spreads them over both image axes.
	const n = 20
	pos := make([]float32, 3*n)
	for i := 0; i < n; i++ {
		pos[2*n+i] = float32(i)
	}
	img, err := render.Draw(graphOf(t, n), pos, 3, render.Options{Width: 300, Height: 300})
	if err != nil {
		t.Fatal(err)
	}
	_, box := inked(img)
	if box.Dx() < 30 || box.Dy() < 30 {
		t.Errorf("3D line drawn over %v: not rotated off the axis", box)
	}
}

func TestDrawSkipsNonFinite(t *testing.T) {
	g := graphOf(t, 3, [2]int32{0, 1}, [2]int32{1, 2})
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, pos := range [][]float32{{0, 1, nan, 0, 1, 0}, {0, inf, 2, 0, 1, 0}, {nan, nan, nan, 0, 0, 0}} {
		img, err := render.Draw(g, pos, 2, render.Options{Width: 64, Height: 64})
		if err != nil || img == nil {
			t.Errorf("%v: %v", pos, err)
		}
	}
}

func TestDrawErrors(t *testing.T) {
	g := graphOf(t, 2, [2]int32{0, 1})
	for _, c := range []struct {
		pos  []float32
		dims int
		opt  render.Options
	}{
		{[]float32{0, 1, 0, 0}, 4, render.Options{}},
		{[]float32{0, 1, 0}, 2, render.Options{}},
		{[]float32{0, 1, 0, 0}, 2, render.Options{Width: 8, Height: 8}},
		{[]float32{0, 1, 0, 0}, 2, render.Options{Width: 100000, Height: 100}},
	} {
		if _, err := render.Draw(g, c.pos, c.dims, c.opt); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := render.Draw(nil, nil, 2, render.Options{}); err == nil {
		t.Error("nil graph accepted")
	}
}

// BenchmarkDraw100k draws 100k nodes and 200k edges at random positions
// (long edges, the worst case) at the default size, and encodes the PNG.
func BenchmarkDraw100k(b *testing.B) {
	s, _ := graphgen.Parse("ba:100000:2")
	g, _ := s.Generate(1)
	pos := randomLayout(g.Nodes, 3, 1)
	b.ResetTimer()
	for b.Loop() {
		img, err := render.Draw(&g.Graph, pos, 3, render.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := render.EncodePNG(&bytes.Buffer{}, img); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDrawOnly100k is BenchmarkDraw100k without the PNG encoding.
func BenchmarkDrawOnly100k(b *testing.B) {
	s, _ := graphgen.Parse("ba:100000:2")
	g, _ := s.Generate(1)
	pos := randomLayout(g.Nodes, 3, 1)
	b.ResetTimer()
	for b.Loop() {
		if _, err := render.Draw(&g.Graph, pos, 3, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
