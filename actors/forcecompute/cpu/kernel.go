package cpu

import (
	"fmt"
	"runtime"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Kernel is the CPU force kernel. Like every kernel.Kernel it is owned by
// one goroutine; its workers run only inside Step. Close stops them.
type Kernel struct {
	p       kernel.Params
	workers int
	pool    *pool
	closed  bool

	g     kernel.Graph // own copy in internal ids; Weight never nil
	n     int
	ext   []int32 // internal id -> caller's id; see reorder.go
	intl  []int32 // caller's id -> internal id
	ticks int
	ke    float64

	pos, vel, frc []float32 // Dims*n each, structure of arrays

	packed []float32 // x, y[, z] per node: one cache line per spring end
	lists  []ilist   // interaction list per worker

	pinOf []int32            // per internal id: index into icons.Pins, or -1
	cons  kernel.Constraints // as the caller gave them
	icons kernel.Constraints // the same in internal ids

	scratch reorderScratch

	tree tree

	// Per-tick scratch, written by phases.
	alpha       float32
	packInBuild bool                    // the build phase also packs positions (no reorder this tick)
	keParts     []float64               // kinetic energy per walk group or integration chunk
	boundsFresh bool                    // bounds hold the positions' bounding box, per worker
	hist        [][1 << radixBits]int32 // radix sort: digit counts, then slots, per chunk
	bounds      []float32               // per worker: min then max per dimension
}

var _ kernel.Kernel = (*Kernel)(nil)

// New returns a CPU kernel with parameters p, or the *kernel.ParamError
// naming the first invalid one.
func New(p kernel.Params) (*Kernel, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	k := &Kernel{}
	k.applyParams(p)
	return k, nil
}

func (k *Kernel) applyParams(p kernel.Params) {
	w := p.Workers
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	if w != k.workers {
		k.stopPool()
		k.workers = w
		k.lists = make([]ilist, w)
		k.sizeLists()
		k.bounds = make([]float32, w*6)
		k.boundsFresh = false
	}
	k.p = p
}

// Name is "cpu".
func (k *Kernel) Name() string { return "cpu" }

// Upload replaces the graph. Positions and velocities of nodes that existed
// before are kept; new nodes are placed by kernel.InitialPositions.
// Constraints that name removed nodes are dropped. Ticks restarts at 0.
func (k *Kernel) Upload(g kernel.Graph) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if err := g.Validate(); err != nil {
		return err
	}
	var prev []float32 // positions in the caller's order
	if k.g.RowPtr != nil {
		prev = make([]float32, len(k.pos))
		k.unpermute(prev, k.pos)
	}
	own := kernel.Graph{
		Nodes:  g.Nodes,
		RowPtr: append([]int32(nil), g.RowPtr...),
		Col:    append([]int32(nil), g.Col...),
		Weight: make([]float32, len(g.Col)),
	}
	if g.Weight != nil {
		copy(own.Weight, g.Weight)
	} else {
		for i := range own.Weight {
			own.Weight[i] = 1
		}
	}
	old := 0
	if prev != nil {
		old = k.n
	}
	vel := make([]float32, len(k.vel))
	k.unpermute(vel, k.vel)
	k.pos, k.vel = prev, vel
	k.resize(g.Nodes, old)
	k.g = own
	k.ticks = 0
	k.ke = 0
	k.keepConstraints()
	return nil
}

// resize reallocates state for n nodes in the caller's order (internal id
// = caller's id), keeping the first min(keep, n) of k.pos and k.vel, which
// must then be in the caller's order too.
func (k *Kernel) resize(n, keep int) {
	d := k.p.Dims
	keep = min(keep, n)
	pos := make([]float32, d*n)
	vel := make([]float32, d*n)
	for c := 0; c < d && keep > 0; c++ {
		copy(pos[c*n:c*n+keep], k.pos[c*k.n:c*k.n+keep])
		copy(vel[c*n:c*n+keep], k.vel[c*k.n:c*k.n+keep])
	}
	kernel.InitialPositions(k.p, keep, n, pos)
	k.pos, k.vel, k.frc = pos, vel, make([]float32, d*n)
	k.n = n
	k.pinOf = make([]int32, n)
	k.ext, k.intl = make([]int32, n), make([]int32, n)
	for i := range k.ext {
		k.ext[i], k.intl[i] = int32(i), int32(i)
	}
	k.packed = make([]float32, d*n)
	k.keParts = make([]float64, n/integrateNodes+1)
	k.hist = make([][1 << radixBits]int32, chunks(n, sortChunk(n)))
	k.boundsFresh = false
	k.sizeLists()
	k.tree.alloc(n, d)
}

// sizeLists gives every interaction list room for its longest possible
// length: accepted cells are disjoint, so a list has at most n terms plus
// padding, and ticks never grow one.
func (k *Kernel) sizeLists() {
	for w := range k.lists {
		l := &k.lists[w]
		if cap(l.x) < k.n+16 {
			c := k.n + 16
			l.x, l.y, l.z, l.m = make([]float32, 0, c), make([]float32, 0, c), make([]float32, 0, c), make([]float32, 0, c)
		}
	}
}

// keepConstraints drops constraints naming nodes >= n and re-applies pins.
func (k *Kernel) keepConstraints() {
	var c kernel.Constraints
	for _, p := range k.cons.Pins {
		if int(p.Node) < k.n {
			c.Pins = append(c.Pins, p)
		}
	}
	for _, d := range k.cons.Distances {
		if int(d.A) < k.n && int(d.B) < k.n {
			c.Distances = append(c.Distances, d)
		}
	}
	k.setConstraints(c)
}

// SetParams validates and applies p. A change of Dims re-places every node
// by kernel.InitialPositions and restarts Ticks; other changes keep state.
func (k *Kernel) SetParams(p kernel.Params) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if err := p.Validate(); err != nil {
		return err
	}
	dimsChanged := p.Dims != k.p.Dims && k.g.RowPtr != nil
	if dimsChanged {
		k.identityGraph() // with the old Dims, which size the state
	}
	k.applyParams(p)
	if dimsChanged {
		k.resize(k.n, 0)
		k.ticks = 0
		k.ke = 0
		k.setConstraints(k.cons)
	}
	return nil
}

// SetConstraints replaces all constraints; pinned nodes move to their pins
// at once. Before Upload only empty constraints are accepted.
func (k *Kernel) SetConstraints(c kernel.Constraints) error {
	if k.closed {
		return kernel.ErrClosed
	}
	if err := c.Validate(k.n); err != nil {
		if k.g.RowPtr == nil {
			return kernel.ErrNoGraph
		}
		return err
	}
	k.setConstraints(kernel.Constraints{
		Pins:      append([]kernel.Pin(nil), c.Pins...),
		Distances: append([]kernel.Distance(nil), c.Distances...),
	})
	return nil
}

func (k *Kernel) setConstraints(c kernel.Constraints) {
	k.cons = c
	k.icons = kernel.Constraints{
		Pins:      append([]kernel.Pin(nil), c.Pins...),
		Distances: append([]kernel.Distance(nil), c.Distances...),
	}
	for j := range k.icons.Pins {
		k.icons.Pins[j].Node = k.intl[c.Pins[j].Node]
	}
	for j := range k.icons.Distances {
		d := &k.icons.Distances[j]
		d.A, d.B = k.intl[d.A], k.intl[d.B]
	}
	for i := range k.pinOf {
		k.pinOf[i] = -1
	}
	for j, p := range k.icons.Pins {
		k.pinOf[p.Node] = int32(j) // a later pin of the same node wins
	}
	k.applyPins()
}

// applyPins moves pinned nodes to their pins and stops them.
func (k *Kernel) applyPins() {
	k.boundsFresh = false // positions may have moved
	n, d := k.n, k.p.Dims
	for _, p := range k.icons.Pins {
		i := int(p.Node)
		q := k.icons.Pins[k.pinOf[i]]
		xyz := [3]float32{q.X, q.Y, q.Z}
		for c := 0; c < d; c++ {
			k.pos[c*n+i] = xyz[c]
			k.vel[c*n+i] = 0
		}
	}
}

// Positions copies positions into dst as structure of arrays.
func (k *Kernel) Positions(dst []float32) (int, error) {
	if k.closed {
		return 0, kernel.ErrClosed
	}
	if k.g.RowPtr == nil {
		return 0, kernel.ErrNoGraph
	}
	if len(dst) < len(k.pos) {
		return 0, fmt.Errorf("cpu: Positions: len(dst)=%d, want >= Dims*NodeCount=%d", len(dst), len(k.pos))
	}
	k.unpermute(dst, k.pos)
	return len(k.pos), nil
}

// KineticEnergy is sum(0.5*|v|^2) after the last tick.
func (k *Kernel) KineticEnergy() float64 { return k.ke }

// Ticks counts ticks since the last Upload.
func (k *Kernel) Ticks() int { return k.ticks }

// Close stops the workers. Later calls return kernel.ErrClosed.
func (k *Kernel) Close() error {
	if k.closed {
		return kernel.ErrClosed
	}
	k.stopPool()
	k.closed = true
	return nil
}
