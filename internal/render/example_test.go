package render_test

import (
	"fmt"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/render"
)

func ExampleDraw() {
	// A triangle in 2D: positions are structure of arrays (x block, y block).
	g, _ := kernel.FromEdges(3, []kernel.Edge{{A: 0, B: 1}, {A: 1, B: 2}, {A: 2, B: 0}})
	pos := []float32{0, 10, 5, 0, 0, 8}
	img, err := render.Draw(&g, pos, 2, render.Options{Width: 320, Height: 240})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Bounds().Dx(), img.Bounds().Dy())
	// Output: 320 240
}
