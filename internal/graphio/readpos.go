package graphio

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Positions are node coordinates read from a file, one row per node in
// file order; Z is 0 for a 2D file.
type Positions struct {
	Labels []string
	XYZ    [][3]float64
}

// ReadPositions reads a positions file: the JSON that WriteJSON writes when
// the name ends in ".json", otherwise lines "id x y [z]" separated by
// commas or blanks (WriteCSV's output, or the files layoutq.py reads), with
// an optional header line first and '#' comments.
func ReadPositions(path string) (*Positions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return readPositionsJSON(f, path)
	}
	return readPositionsText(f, path)
}

func readPositionsText(r io.Reader, name string) (*Positions, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	p := &Positions{}
	line, rows := 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		rows++
		var fields []string
		if strings.ContainsRune(text, '"') {
			cr := csv.NewReader(strings.NewReader(text))
			var err error
			if fields, err = cr.Read(); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, line, err)
			}
		} else {
			fields = strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' })
		}
		if len(fields) < 3 || len(fields) > 4 {
			return nil, fmt.Errorf("%s:%d: want \"id x y [z]\", got %d fields", name, line, len(fields))
		}
		xyz, bad := parseCoords(fields[1:])
		if bad >= 0 {
			if rows == 1 && bad == 0 {
				continue // a header such as id,x,y,z
			}
			return nil, fmt.Errorf("%s:%d: coordinate %q is not a number", name, line, fields[1+bad])
		}
		p.Labels = append(p.Labels, strings.TrimSpace(fields[0]))
		p.XYZ = append(p.XYZ, xyz)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if len(p.Labels) == 0 {
		return nil, fmt.Errorf("%s: no positions", name)
	}
	return p, nil
}

// parseCoords parses up to three numbers; bad is the index of the first
// field that is not one, or -1.
func parseCoords(fields []string) (xyz [3]float64, bad int) {
	for c, s := range fields {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return xyz, c
		}
		xyz[c] = v
	}
	return xyz, -1
}

func readPositionsJSON(r io.Reader, name string) (*Positions, error) {
	var doc struct {
		Nodes []struct {
			ID      json.RawMessage `json:"id"`
			X, Y, Z *float64
		} `json:"nodes"`
	}
	if err := json.NewDecoder(bufio.NewReader(r)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	p := &Positions{}
	for i, n := range doc.Nodes {
		id, err := idText(n.ID)
		if err != nil {
			return nil, fmt.Errorf("%s: nodes[%d].id: %v", name, i, err)
		}
		if n.X == nil || n.Y == nil {
			return nil, fmt.Errorf("%s: nodes[%d]: want numbers x and y", name, i)
		}
		xyz := [3]float64{*n.X, *n.Y, 0}
		if n.Z != nil {
			xyz[2] = *n.Z
		}
		p.Labels = append(p.Labels, id)
		p.XYZ = append(p.XYZ, xyz)
	}
	if len(p.Labels) == 0 {
		return nil, fmt.Errorf("%s: no positions", name)
	}
	return p, nil
}

// Place returns g's positions in structure of arrays (3D, z block last) for
// the kernel's quality measures, matching rows to nodes by label. Every node
// must have exactly one finite row; rows for unknown ids are errors.
func (p *Positions) Place(g *Graph, name string) ([]float32, error) {
	n := g.Nodes
	index := make(map[string]int, n)
	for i := 0; i < n; i++ {
		index[g.Label(i)] = i
	}
	pos := make([]float32, 3*n)
	seen := make([]bool, n)
	for r, id := range p.Labels {
		i, ok := index[id]
		if !ok {
			return nil, fmt.Errorf("%s: row %d: id %q is not a node of the graph", name, r+1, id)
		}
		if seen[i] {
			return nil, fmt.Errorf("%s: row %d: id %q given twice", name, r+1, id)
		}
		seen[i] = true
		for c, v := range p.XYZ[r] {
			if f := float32(v); f-f != 0 {
				return nil, fmt.Errorf("%s: row %d: id %q has a non-finite coordinate", name, r+1, id)
			}
			pos[c*n+i] = float32(v)
		}
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("%s: no position for node %q", name, g.Label(i))
		}
	}
	return pos, nil
}
