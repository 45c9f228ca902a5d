package protocol

// Keys of the metadata ForceCompute puts in its acks.
const (
	MetaNodes     = "nodes"     // node count of the uploaded graph
	MetaEdges     = "edges"     // undirected edge count (CSR entries / 2)
	MetaIteration = "iteration" // the kernel's tick count after the message
	MetaBackend   = "backend"   // "cpu" or "cuda"
	MetaSeq       = "seq"       // ComputeForces: the step's sequence number
	MetaEnergy    = "kinetic_energy"
	MetaRejected  = "rejected" // PartialSuccess: the rejected items, e.g. "pins[2],distances[0]"
	MetaCause     = "cause"    // Failed: a machine-readable cause, one of the Cause values
)

// Causes of a Failed ack, in MetaCause.
const (
	CauseNoKernel        = "no-kernel"        // InitializeGPU has not succeeded
	CauseNoGraph         = "no-graph"         // no graph uploaded (e.g. after a restart)
	CauseInvalid         = "invalid"          // the message's content is invalid
	CauseKernel          = "kernel"           // the kernel returned an error
	CauseCUDAUnavailable = "cuda-unavailable" // CUDA requested but not usable here
)
