package render

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// EncodePNG writes img as PNG, trading a little size for speed.
func EncodePNG(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}

// WritePNG draws g at pos (see Draw) into the PNG file path.
func WritePNG(path string, g *kernel.Graph, pos []float32, dims int, opt Options) error {
	img, err := Draw(g, pos, dims, opt)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = EncodePNG(w, img)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
