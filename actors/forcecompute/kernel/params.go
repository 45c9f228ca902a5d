package kernel

// Params are the physics parameters. The per-tick model below is the spec
// shared by every Kernel implementation: with Theta == 0, CPU and CUDA
// must agree to 1e-3 relative error (kerneltest.Run checks a kernel against
// kerneltest.Reference); with Theta > 0 each stays within the Barnes-Hut
// tolerances kerneltest.Run checks. All arithmetic is float32 except where
// noted. n is the node count, t the 0-based index of the tick
// being computed (Ticks() before it), d = Dims.
//
//	alpha = Alpha(p, t)                                   (float64 on the host, then float32)
//	F_i   = repulsion_i + springs_i + gravity_i + constraints_i
//	repulsion_i   = sum_{j != i} RepelK * r / (|r|^2 + Softening^2)^(d/2),  r = x_i - x_j
//	                (|F| ~ 1/|r| in 2D, 1/|r|^2 in 3D; coincident nodes give 0)
//	springs_i     = sum over CSR row i of SpringK * w * (|r| - RestLength) * r/|r|,  r = x_j - x_i
//	                (0 when |r| == 0; a duplicate edge adds a second spring)
//	gravity_i     = -CenterGravityK * x_i
//	constraints_i = sum over Distance c with i in {A, B} of the same spring
//	                with stiffness c.Stiffness (0 means SpringK), rest c.Length, w 1
//	if |F_i| > MaxForce: F_i *= MaxForce / |F_i|   (a non-finite F_i becomes 0)
//	F_i *= alpha
//	v_i = (v_i + F_i * DT) * Damping
//	if |v_i| > MaxVelocity: v_i *= MaxVelocity / |v_i|
//	x_i += v_i * DT
//	pinned i: x_i = pin position, v_i = 0 (also applied when constraints are set)
//	kinetic energy = sum_i 0.5 * |v_i|^2, summed in float64
//
// Barnes-Hut (Theta > 0) replaces the repulsion sum by a walk of a tree of
// cubes (squares in 2D): the root is the smallest cube holding every node,
// and each cell splits into 2^d equal children. A cell of side s whose
// centre of mass (every node has mass 1) lies at distance D from x_i may be
// taken as one body of mass m = its node count only when s < Theta * D
// (s/D < Theta, the criterion d3-force uses); otherwise its children (in a
// leaf, its nodes one by one) are visited. A kernel may open more cells
// than that, which is only more exact: the CPU kernel walks groups of up to
// 256 nodes together and uses the distance from the centre of mass to the
// group's bounding box as D, and the CUDA kernel takes a cell as one body
// only when every node of its warp of 32 accepts it by its own D. Theta ==
// 0 is the exact all-pairs sum, the reference in tests
// (kerneltest.Reference implements it naively).
//
// Initial positions come from InitialPositions; Defaults gives a good
// layout out of the box.
type Params struct {
	Dims           int     // 2 or 3
	DT             float32 // time step, > 0
	Damping        float32 // velocity kept per tick, in (0, 1]
	SpringK        float32 // spring stiffness, >= 0
	RestLength     float32 // spring rest length, >= 0
	RepelK         float32 // repulsion strength, >= 0
	Softening      float32 // > 0; added to distances so coincident nodes stay finite
	CenterGravityK float32 // pull towards the origin, >= 0
	MaxForce       float32 // clamp on |F|, > 0
	MaxVelocity    float32 // clamp on |v|, > 0
	Theta          float32 // Barnes-Hut opening criterion in [0, 2]; 0 means exact all-pairs
	WarmupTicks    int     // ticks over which alpha ramps up from AlphaMin to 1, >= 0
	Cooling        float32 // alpha decay per tick after warm-up, in [0, 1)
	AlphaMin       float32 // alpha never falls below this, in [0, 1]
	Seed           uint64  // initial placement seed
	Workers        int     // CPU worker goroutines; 0 means GOMAXPROCS
}
