package kernel

// Kernel advances a force-directed layout. Implementations are not safe for
// concurrent use: one goroutine (the ForceCompute actor) owns a Kernel.
//
// Call order: Upload, then any number of SetParams, SetConstraints,
// SetPositions, SetTicks, Step, Positions and KineticEnergy, then Close.
// Upload may be called again to replace the graph; positions of nodes that
// existed before are kept.
//
// A layout is restored into a fresh kernel (after a crash, or on another
// backend) by Upload, SetParams, SetConstraints, SetPositions and SetTicks:
// it then continues as the original would after SetPositions (kerneltest
// checks this).
type Kernel interface {
	// Name identifies the implementation, e.g. "cpu" or "cuda".
	Name() string
	// Upload replaces the graph. It validates g and returns a descriptive
	// error without changing state when g is malformed.
	Upload(g Graph) error
	// SetParams validates and applies p. An invalid field is rejected by name.
	SetParams(p Params) error
	// SetConstraints replaces all constraints. Indices must be < node count.
	SetConstraints(c Constraints) error
	// Step advances ticks ticks (ticks >= 1).
	Step(ticks int) error
	// Positions copies node positions into dst as structure of arrays:
	// dst[0:n] x, dst[n:2n] y and, in 3D, dst[2n:3n] z. It returns the
	// number of float32 written; dst must hold Dims()*NodeCount() values.
	Positions(dst []float32) (int, error)
	// SetPositions replaces every node's position, in the layout Positions
	// writes (len(src) must be Dims()*NodeCount()), and sets every velocity,
	// and so KineticEnergy, to 0. Pinned nodes stay at their pins. It
	// rejects, changing nothing, a src of the wrong length or with a value
	// that is not finite, naming the index. Before Upload it returns
	// ErrNoGraph.
	SetPositions(src []float32) error
	// KineticEnergy is sum(0.5 * |v|^2) over nodes after the last tick.
	KineticEnergy() float64
	// Ticks is the number of ticks advanced since the last Upload (or the
	// count SetTicks set, plus the ticks advanced since). Alpha reads it.
	Ticks() int
	// SetTicks sets the tick count (t >= 0), so that a restored layout
	// continues on the alpha schedule where it was. Before Upload it
	// returns ErrNoGraph.
	SetTicks(t int) error
	// Close releases resources. Calls after Close return ErrClosed.
	Close() error
}
