package forcecompute

import (
	"fmt"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/protocol"
	"github.com/protoack/protoack/middleware"
)

// setPositions restores every position and the tick count (when given),
// then moves or pins single nodes (drags). Moving nodes sets every
// velocity to 0, as kernel.SetPositions does.
func (c *computer) setPositions(m *protocol.UpdateNodePositions) middleware.Reply {
	if r := c.ready(); r != nil {
		return *r
	}
	if b := m.GetPositions(); len(b) > 0 {
		v, err := protocol.Unpack(nil, b)
		if err == nil {
			err = c.k.SetPositions(v)
		}
		if err != nil {
			return c.failed(protocol.CauseInvalid, "invalid positions: "+err.Error())
		}
	}
	if m.Ticks != nil {
		if err := c.k.SetTicks(int(m.GetTicks())); err != nil {
			return c.failed(protocol.CauseInvalid, "invalid ticks: "+err.Error())
		}
	}
	if len(m.GetNodes()) == 0 {
		return c.success()
	}
	pos, dims, err := c.positions()
	if err != nil {
		return c.failed(protocol.CauseKernel, "kernel: "+err.Error())
	}
	n := c.nodes
	var names, why []string
	cons := c.cons
	for i, np := range m.GetNodes() {
		node := int(np.GetNode())
		xyz := [3]float32{np.GetX(), np.GetY(), np.GetZ()}
		if node < 0 || node >= n {
			names = append(names, fmt.Sprintf("nodes[%d]", i))
			why = append(why, fmt.Sprintf("nodes[%d]: node %d out of range [0,%d)", i, node, n))
			continue
		}
		if err := kernel.CheckPositions(xyz[:dims], 1, dims); err != nil {
			names = append(names, fmt.Sprintf("nodes[%d]", i))
			why = append(why, fmt.Sprintf("nodes[%d]: position (%v,%v,%v) is not finite", i, xyz[0], xyz[1], xyz[2]))
			continue
		}
		for d := 0; d < dims; d++ {
			pos[d*n+node] = xyz[d]
		}
		cons = unpin(cons, int32(node))
		if np.GetPin() {
			cons.Pins = append(cons.Pins, kernel.Pin{Node: int32(node), X: xyz[0], Y: xyz[1], Z: xyz[2]})
		}
	}
	if err := c.k.SetConstraints(cons); err != nil {
		return c.failed(protocol.CauseKernel, "kernel: "+err.Error())
	}
	c.cons = cons
	if err := c.k.SetPositions(pos); err != nil {
		return c.failed(protocol.CauseKernel, "kernel: "+err.Error())
	}
	if len(names) > 0 {
		return c.partial(names, why, len(m.GetNodes()))
	}
	return c.success()
}

// unpin returns c without pins of node (a fresh Pins slice).
func unpin(c kernel.Constraints, node int32) kernel.Constraints {
	pins := make([]kernel.Pin, 0, len(c.Pins))
	for _, p := range c.Pins {
		if p.Node != node {
			pins = append(pins, p)
		}
	}
	c.Pins = pins
	return c
}
