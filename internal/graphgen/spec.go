package graphgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/graphio"
)

// MaxEdges bounds the (expected) edge count of a spec, as graphio.MaxNodes
// bounds its nodes, so that a typo fails fast instead of exhausting memory.
const MaxEdges = 1 << 27

// Spec is a parsed -generate value.
type Spec struct {
	Kind string  // "ba", "grid" or "random"
	N    int     // nodes (ba, random); width (grid)
	M    int     // edges per new node (ba); height (grid)
	P    float64 // edge probability (random)
}

const want = "want ba:N:M, grid:W:H or random:N:P"

// Parse parses a -generate value. Its errors read
// "-generate SPEC: reason", naming what is wrong.
func Parse(spec string) (Spec, error) {
	fail := func(format string, a ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("-generate %s: %s", spec, fmt.Sprintf(format, a...))
	}
	parts := strings.Split(spec, ":")
	kind := parts[0]
	switch kind {
	case "ba", "grid", "random":
	default:
		return fail("unknown generator %q (%s)", kind, want)
	}
	if len(parts) != 3 {
		return fail("%s", map[string]string{"ba": "want ba:N:M", "grid": "want grid:W:H", "random": "want random:N:P"}[kind])
	}
	names := map[string][2]string{"ba": {"N", "M"}, "grid": {"W", "H"}, "random": {"N", "P"}}[kind]
	a, err := strconv.Atoi(parts[1])
	if err != nil {
		return fail("%s %q is not an integer", names[0], parts[1])
	}
	s := Spec{Kind: kind, N: a}
	if kind == "random" {
		p, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || !(p >= 0 && p <= 1) {
			return fail("P %q is not a probability in [0, 1]", parts[2])
		}
		s.P = p
	} else if s.M, err = strconv.Atoi(parts[2]); err != nil {
		return fail("%s %q is not an integer", names[1], parts[2])
	}
	switch kind {
	case "ba":
		if s.M < 1 {
			return fail("M=%d must be >= 1", s.M)
		}
		if s.N <= s.M || s.N > graphio.MaxNodes {
			return fail("N=%d must be in (M, %d]", s.N, graphio.MaxNodes)
		}
		if float64(s.M)*float64(s.N-s.M) > MaxEdges {
			return fail("M*(N-M) edges exceeds %d", MaxEdges)
		}
	case "grid":
		if s.N < 1 || s.M < 1 || float64(s.N)*float64(s.M) > graphio.MaxNodes {
			return fail("W and H must be >= 1 with W*H <= %d", graphio.MaxNodes)
		}
	case "random":
		if s.N < 1 || s.N > graphio.MaxNodes {
			return fail("N=%d must be in [1, %d]", s.N, graphio.MaxNodes)
		}
		if e := s.P * float64(s.N) * float64(s.N-1) / 2; e > MaxEdges {
			return fail("expected edges P*N*(N-1)/2 = %.3g exceeds %d", e, MaxEdges)
		}
	}
	return s, nil
}

// String returns the spec as Parse reads it.
func (s Spec) String() string {
	if s.Kind == "random" {
		return fmt.Sprintf("random:%d:%s", s.N, strconv.FormatFloat(s.P, 'g', -1, 64))
	}
	return fmt.Sprintf("%s:%d:%d", s.Kind, s.N, s.M)
}

// Nodes returns the node count of the graph s makes.
func (s Spec) Nodes() int {
	if s.Kind == "grid" {
		return s.N * s.M
	}
	return s.N
}

// Edges returns the edges of the graph s makes with seed (grid ignores it).
func (s Spec) Edges(seed uint64) []kernel.Edge {
	switch s.Kind {
	case "ba":
		return BA(s.N, s.M, seed)
	case "grid":
		return Grid(s.N, s.M)
	case "random":
		return Random(s.N, s.P, seed)
	}
	return nil
}

// Generate builds the graph s makes with seed, in the form graphio's
// readers return (nodes named by index).
func (s Spec) Generate(seed uint64) (*graphio.Graph, error) {
	if _, err := Parse(s.String()); err != nil {
		return nil, err
	}
	g, st, err := graphio.Build(s.Nodes(), s.Edges(seed))
	if err != nil {
		return nil, err
	}
	return &graphio.Graph{Graph: g, Stats: st}, nil
}
