package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// measure fills the quality fields for drawing pos of g. A measure that is
// NaN (no edge, one component) is left out.
func (r *result) measure(g *kernel.Graph, pos []float32) error {
	var err error
	if r.EdgeCV, err = kernel.EdgeCV(g, pos, r.Dims); err != nil {
		return err
	}
	if r.Stress, err = kernel.Stress(g, pos, r.Dims, 256, 7); err != nil {
		return err
	}
	if r.Spread, err = kernel.ComponentSpread(g, pos, r.Dims); err != nil {
		return err
	}
	for _, v := range []*float64{&r.EdgeCV, &r.Stress, &r.Spread} {
		if math.IsNaN(*v) || math.IsInf(*v, 0) {
			*v = 0
		}
	}
	return nil
}

// readPositions reads "id x y [z]" lines (spaces or commas; a line whose
// id is not a number, such as a header, is skipped) into structure of
// arrays for n nodes. Every node must appear.
func readPositions(path string, n, dims int) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pos := make([]float32, dims*n)
	seen := make([]bool, n)
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.FieldsFunc(sc.Text(), func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
		if len(fields) == 0 {
			continue
		}
		id, err := strconv.Atoi(fields[0])
		if err != nil {
			continue
		}
		if id < 0 || id >= n || len(fields) < 1+dims {
			return nil, fmt.Errorf("%s:%d: want \"id x y%s\" with 0 <= id < %d", path, line, map[bool]string{true: " z"}[dims == 3], n)
		}
		for c := 0; c < dims; c++ {
			v, err := strconv.ParseFloat(fields[1+c], 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: coordinate %d: %v", path, line, c, err)
			}
			pos[c*n+id] = float32(v)
		}
		seen[id] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("%s: node %d has no position", path, i)
		}
	}
	return pos, nil
}
