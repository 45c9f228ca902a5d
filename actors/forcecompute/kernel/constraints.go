package kernel

import (
	"fmt"
	"math"
)

// Pin fixes a node at a position, e.g. while a user drags it. Z is ignored
// in 2D. When a node is pinned twice, the later pin wins.
type Pin struct {
	Node    int32
	X, Y, Z float32
}

// Distance pulls nodes A and B towards Length apart with the given stiffness
// (0 means SpringK), as an extra spring that is not part of the graph.
type Distance struct {
	A, B      int32
	Length    float32
	Stiffness float32
}

// Constraints are applied every tick until replaced.
type Constraints struct {
	Pins      []Pin
	Distances []Distance
}

// Validate reports the first constraint that is out of range for n nodes or
// not finite, naming it by field and index, e.g. "Pins[2].Node".
func (c Constraints) Validate(n int) error {
	for k, p := range c.Pins {
		if p.Node < 0 || int(p.Node) >= n {
			return fmt.Errorf("kernel: constraints: Pins[%d].Node=%d out of range [0,%d)", k, p.Node, n)
		}
		for _, v := range [...]float32{p.X, p.Y, p.Z} {
			if !finite(v) {
				return fmt.Errorf("kernel: constraints: Pins[%d] position (%v,%v,%v) is not finite", k, p.X, p.Y, p.Z)
			}
		}
	}
	for k, d := range c.Distances {
		if d.A < 0 || int(d.A) >= n || d.B < 0 || int(d.B) >= n {
			return fmt.Errorf("kernel: constraints: Distances[%d] nodes (%d,%d) out of range [0,%d)", k, d.A, d.B, n)
		}
		if !finite(d.Length) || d.Length < 0 || d.Length > maxParam {
			return fmt.Errorf("kernel: constraints: Distances[%d].Length=%v must be in [0, 1e12]", k, d.Length)
		}
		if !finite(d.Stiffness) || d.Stiffness < 0 || d.Stiffness > maxParam {
			return fmt.Errorf("kernel: constraints: Distances[%d].Stiffness=%v must be in [0, 1e12]", k, d.Stiffness)
		}
	}
	return nil
}

func finite(v float32) bool {
	return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
}
