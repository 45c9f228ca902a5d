package protocol

import (
	"fmt"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// FromParams converts kernel parameters for the wire.
func FromParams(p kernel.Params) *Params {
	return &Params{
		Dims: int32(p.Dims), Dt: p.DT, Damping: p.Damping, SpringK: p.SpringK,
		RestLength: p.RestLength, RepelK: p.RepelK, Softening: p.Softening,
		CenterGravityK: p.CenterGravityK, MaxForce: p.MaxForce, MaxVelocity: p.MaxVelocity,
		Theta: p.Theta, WarmupTicks: int32(p.WarmupTicks), Cooling: p.Cooling,
		AlphaMin: p.AlphaMin, Seed: p.Seed, Workers: int32(p.Workers),
	}
}

// Kernel converts wire parameters back; it does not validate them.
func (m *Params) Kernel() kernel.Params {
	return kernel.Params{
		Dims: int(m.GetDims()), DT: m.GetDt(), Damping: m.GetDamping(), SpringK: m.GetSpringK(),
		RestLength: m.GetRestLength(), RepelK: m.GetRepelK(), Softening: m.GetSoftening(),
		CenterGravityK: m.GetCenterGravityK(), MaxForce: m.GetMaxForce(), MaxVelocity: m.GetMaxVelocity(),
		Theta: m.GetTheta(), WarmupTicks: int(m.GetWarmupTicks()), Cooling: m.GetCooling(),
		AlphaMin: m.GetAlphaMin(), Seed: m.GetSeed(), Workers: int(m.GetWorkers()),
	}
}

// FromGraph converts a CSR graph for the wire.
func FromGraph(g kernel.Graph) *UpdateGPUGraphData {
	return &UpdateGPUGraphData{Nodes: int32(g.Nodes), RowPtr: g.RowPtr, Col: g.Col, Weight: g.Weight}
}

// FromEdges converts an edge list for the wire (pairs form).
func FromEdges(n int, edges []kernel.Edge) *UpdateGPUGraphData {
	m := &UpdateGPUGraphData{Nodes: int32(n), EdgeA: make([]int32, len(edges)), EdgeB: make([]int32, len(edges))}
	weighted := false
	for i, e := range edges {
		m.EdgeA[i], m.EdgeB[i] = e.A, e.B
		weighted = weighted || (e.Weight != 0 && e.Weight != 1)
	}
	if weighted {
		m.EdgeWeight = make([]float32, len(edges))
		for i, e := range edges {
			m.EdgeWeight[i] = e.Weight
		}
	}
	return m
}

// Graph converts the message to a CSR graph, validated, naming the bad
// field on error.
func (m *UpdateGPUGraphData) Graph() (kernel.Graph, error) {
	n := int(m.GetNodes())
	if len(m.GetRowPtr()) > 0 {
		g := kernel.Graph{Nodes: n, RowPtr: m.GetRowPtr(), Col: m.GetCol(), Weight: m.GetWeight()}
		if len(g.Weight) == 0 {
			g.Weight = nil
		}
		return g, g.Validate()
	}
	a, b, w := m.GetEdgeA(), m.GetEdgeB(), m.GetEdgeWeight()
	if len(a) != len(b) {
		return kernel.Graph{}, fmt.Errorf("protocol: graph: len(edge_a)=%d != len(edge_b)=%d", len(a), len(b))
	}
	if len(w) != 0 && len(w) != len(a) {
		return kernel.Graph{}, fmt.Errorf("protocol: graph: len(edge_weight)=%d, want 0 or %d", len(w), len(a))
	}
	edges := make([]kernel.Edge, len(a))
	for i := range a {
		edges[i] = kernel.Edge{A: a[i], B: b[i]}
		if len(w) > 0 {
			if !(w[i] >= 0) || w[i] > 1e30 {
				return kernel.Graph{}, fmt.Errorf("protocol: graph: edge_weight[%d]=%v must be finite and >= 0", i, w[i])
			}
			edges[i].Weight = w[i]
		}
	}
	g, err := kernel.FromEdges(n, edges)
	if err != nil {
		return kernel.Graph{}, err
	}
	return g, g.Validate()
}

// FromConstraints converts constraints for the wire.
func FromConstraints(c kernel.Constraints) *UploadConstraintsToGPU {
	m := &UploadConstraintsToGPU{}
	for _, p := range c.Pins {
		m.Pins = append(m.Pins, &Pin{Node: p.Node, X: p.X, Y: p.Y, Z: p.Z})
	}
	for _, d := range c.Distances {
		m.Distances = append(m.Distances, &Distance{A: d.A, B: d.B, Length: d.Length, Stiffness: d.Stiffness})
	}
	return m
}

// Constraints converts the message, unvalidated.
func (m *UploadConstraintsToGPU) Constraints() kernel.Constraints {
	var c kernel.Constraints
	for _, p := range m.GetPins() {
		c.Pins = append(c.Pins, kernel.Pin{Node: p.GetNode(), X: p.GetX(), Y: p.GetY(), Z: p.GetZ()})
	}
	for _, d := range m.GetDistances() {
		c.Distances = append(c.Distances, kernel.Distance{A: d.GetA(), B: d.GetB(), Length: d.GetLength(), Stiffness: d.GetStiffness()})
	}
	return c
}

// Name is b's forcecompute.Open name: "auto", "cpu" or "cuda".
func (b Backend) Name() string {
	switch b {
	case Backend_BACKEND_CPU:
		return "cpu"
	case Backend_BACKEND_CUDA:
		return "cuda"
	}
	return "auto"
}

// ParseBackend returns the Backend of an Open name.
func ParseBackend(name string) (Backend, error) {
	switch name {
	case "auto", "":
		return Backend_BACKEND_AUTO, nil
	case "cpu":
		return Backend_BACKEND_CPU, nil
	case "cuda":
		return Backend_BACKEND_CUDA, nil
	}
	return 0, fmt.Errorf("protocol: unknown backend %q (want auto, cpu or cuda)", name)
}
