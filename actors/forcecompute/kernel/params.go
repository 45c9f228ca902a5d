package kernel

// Params are the physics parameters. The per-tick model, shared by every
// Kernel implementation (CPU and CUDA must agree to 1e-3 relative error):
//
//	F_i  = repulsion_i + springs_i + gravity_i + constraints_i
//	repulsion_i = sum_j RepelK * (x_i - x_j) / (|x_i - x_j|^2 + Softening^2)^(Dims/2)
//	              (Barnes-Hut when Theta > 0; exact all-pairs when Theta == 0)
//	springs_i   = sum_{edge (i,j,w)} SpringK * w * (|x_j - x_i| - RestLength) * unit(x_j - x_i)
//	gravity_i   = -CenterGravityK * x_i
//	F_i is clamped to MaxForce in length, then scaled by the cooling factor alpha
//	v_i  = (v_i + F_i * DT) * Damping, clamped to MaxVelocity in length
//	x_i += v_i * DT; pinned nodes keep their pinned position and zero velocity.
//
// The Kernel implementation's package documents theta, the warm-up ramp and
// cooling precisely; Defaults gives a good layout out of the box.
type Params struct {
	Dims           int     // 2 or 3
	DT             float32 // time step
	Damping        float32 // velocity kept per tick, in (0, 1]
	SpringK        float32 // spring stiffness
	RestLength     float32 // spring rest length
	RepelK         float32 // repulsion strength
	Softening      float32 // added to distances so coincident nodes stay finite
	CenterGravityK float32 // pull towards the origin
	MaxForce       float32 // clamp on |F|
	MaxVelocity    float32 // clamp on |v|
	Theta          float32 // Barnes-Hut opening criterion; 0 means exact all-pairs
	WarmupTicks    int     // ticks over which alpha ramps up from AlphaMin to 1
	Cooling        float32 // alpha decay per tick after warm-up, in [0, 1)
	AlphaMin       float32 // alpha never falls below this
	Seed           uint64  // initial placement seed
	Workers        int     // CPU worker goroutines; 0 means GOMAXPROCS
}
