package kernel

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxNodeID bounds node ids read from text so a typo cannot allocate
// gigabytes.
const maxNodeID = 1<<31 - 2

// ReadEdgeList reads an undirected graph, one edge "a b [weight]" per line
// (0-based ids, separated by spaces, tabs or commas). Blank lines and lines
// starting with '#' or '%' are skipped. The node count is the largest id
// plus one. Errors name the input as name:line: reason.
func ReadEdgeList(r io.Reader, name string) (Graph, error) {
	n, edges, err := ParseEdgeList(r, name, maxNodeID)
	if err != nil {
		return Graph{}, err
	}
	return FromEdges(n, edges)
}

// ParseEdgeList reads the lines ReadEdgeList reads, without building the
// graph: it returns the node count (largest id plus one) and the edges in
// input order, self-loops and duplicates included. An id above maxID
// (capped at 2^31-2) is an error naming name:line.
func ParseEdgeList(r io.Reader, name string, maxID int) (int, []Edge, error) {
	maxID = min(max(maxID, 0), maxNodeID)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var edges []Edge
	n := 0
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' || text[0] == '%' {
			continue
		}
		fields := strings.FieldsFunc(text, func(c rune) bool { return c == ' ' || c == '\t' || c == ',' })
		if len(fields) < 2 || len(fields) > 3 {
			return 0, nil, fmt.Errorf("%s:%d: want \"a b [weight]\", got %d fields", name, line, len(fields))
		}
		var ids [2]int32
		for k := 0; k < 2; k++ {
			v, err := strconv.ParseInt(fields[k], 10, 64)
			if err != nil || v < 0 || v > int64(maxID) {
				return 0, nil, fmt.Errorf("%s:%d: node id %q is not an integer in [0, %d]", name, line, fields[k], maxID)
			}
			ids[k] = int32(v)
			n = max(n, int(v)+1)
		}
		e := Edge{A: ids[0], B: ids[1], Weight: 1}
		if len(fields) == 3 {
			w, err := strconv.ParseFloat(fields[2], 32)
			if err != nil || !(w > 0) || math.IsInf(w, 0) {
				return 0, nil, fmt.Errorf("%s:%d: weight %q is not a finite number > 0", name, line, fields[2])
			}
			e.Weight = float32(w)
		}
		edges = append(edges, e)
	}
	if err := sc.Err(); err != nil {
		return 0, nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return n, edges, nil
}
