package kernel

// Pin fixes a node at a position, e.g. while a user drags it. Z is ignored in 2D.
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
