// C interface of the CUDA force kernel, called from Go through cgo.
//
// Every function returns 0 on success or a cudaError_t code; for calls with a
// context, fc_last_error then names the failing CUDA call and carries
// cudaGetErrorString's text. Arrays are structure of arrays: x block, y block
// and, in 3D, z block, each of n floats.
#ifndef FORCECOMPUTE_H
#define FORCECOMPUTE_H

#ifdef __cplusplus
extern "C" {
#endif

// fc_params mirrors kernel.Params minus the host-only fields.
typedef struct {
	int dims;
	float dt, damping, spring_k, rest_length, repel_k, softening;
	float center_gravity_k, max_force, max_velocity, theta;
} fc_params;

// fc_constraints: pins and distance constraints. pin_of[i] is an index into
// pin_pos (3 floats per pin) or -1; the distances are a CSR over nodes:
// node i's partners are con_col[con_row[i]:con_row[i+1]] with rest lengths
// con_len and stiffnesses con_k (both directions listed).
typedef struct {
	const int *pin_of;
	const float *pin_pos;
	int npins;
	const int *con_row;
	const int *con_col;
	const float *con_len;
	const float *con_k;
} fc_constraints;

typedef struct fc_ctx fc_ctx;

// FC_ERR_TREE is fc_step's code (not a cudaError_t) for a malformed tree.
#define FC_ERR_TREE 100001

// Phases of a tick, in order, as fc_profile times them. Springs and
// integration are one phase (k_springs_wide, k_integrate); with Theta == 0
// every tree phase is empty and FC_PH_WALK is the exact all-pairs sum.
enum {
	FC_PH_BOUNDS,    // k_bounds (its last block makes the bounding cube)
	FC_PH_KEYS,      // k_keys
	FC_PH_SORT,      // CUB radix sort of the keys
	FC_PH_BUILD,     // k_gather, k_build
	FC_PH_BOTTOM_UP, // k_bottom_up
	FC_PH_WALK,      // k_walk (or k_exact)
	FC_PH_INTEGRATE, // k_springs_wide, k_integrate: springs, constraints, integration
	FC_PHASES
};

// fc_tree_stats describes the tree of one tick: the root's mass (n when the
// tree is well formed), the number of inner nodes not reached exactly twice
// by the bottom-up pass, and the FC_ERR_* bits of tree.cuh (1: a climb gave
// up, 2: a walk gave up, 4: the root's mass was not n).
typedef struct {
	double root_mass;
	int bad_inner;
	int err;
} fc_tree_stats;

// fc_device_count probes the driver and reports the number of devices.
int fc_device_count(int *count);
// fc_device_name writes the name of device 0 into buf.
int fc_device_name(char *buf, int len);
// fc_error_string is cudaGetErrorString.
const char *fc_error_string(int code);

// fc_create selects device 0 and creates streams and events. *out is NULL
// only if the context itself could not be allocated; otherwise, even after a
// failure, it is to be released with fc_release and fc_free.
int fc_create(fc_ctx **out);
// fc_last_error is the message of the last failure on c ("" if none).
const char *fc_last_error(const fc_ctx *c);
// fc_release frees every device and pinned host allocation, stream and
// event of c, all of them even after a failure, and returns the first
// failure; c itself stays readable for fc_last_error until fc_free.
int fc_release(fc_ctx *c);
// fc_free frees c (after fc_release).
void fc_free(fc_ctx *c);

// fc_set_params sets the parameters of c's next ticks; each launch takes
// them as an argument, so contexts do not share parameters.
int fc_set_params(fc_ctx *c, const fc_params *p);
// fc_upload replaces the graph and the state (positions and velocities of
// dims*n floats each) and clears the constraints.
int fc_upload(fc_ctx *c, int n, int dims, const float *pos, const float *vel,
              const int *row_ptr, const int *col, const float *weight);
// fc_set_constraints replaces the constraints and moves pinned nodes.
int fc_set_constraints(fc_ctx *c, const fc_constraints *k);
// fc_step advances ticks ticks with force scale alpha[t] for tick t and
// writes the kinetic energy after the last one. It waits for the GPU. A
// malformed tree (the bounded bottom-up climb or walk gave up) fails with
// FC_ERR_TREE; the context stays usable.
int fc_step(fc_ctx *c, const float *alpha, int ticks, double *ke);
// fc_snapshot starts copying the positions to pinned host memory on the
// copy stream (double-buffered) and returns without waiting.
int fc_snapshot(fc_ctx *c);
// fc_collect waits for the latest snapshot and copies it into dst.
int fc_collect(fc_ctx *c, float *dst);
// fc_download copies positions and velocities into pos and vel (either may
// be NULL) and waits.
int fc_download(fc_ctx *c, float *pos, float *vel);

// fc_set_positions replaces the positions (dims*n floats) with pos, sets
// every velocity to 0 and forgets the latest snapshot; it waits.
int fc_set_positions(fc_ctx *c, const float *pos);

// fc_error_is_sticky reports whether code leaves the CUDA context unusable
// (every later call fails until the process restarts).
int fc_error_is_sticky(int code);

// fc_profile runs one tick (force scale alpha) with CUDA events between the
// phases and writes FC_PHASES times in ms into ms, then the event time of
// the whole tick into ms[FC_PHASES], and the kinetic energy after it into
// *ke. It waits for the GPU.
int fc_profile(fc_ctx *c, float alpha, float *ms, double *ke);
// fc_tree_check reads the tree of the last tick (Theta > 0, n >= 2) back.
int fc_tree_check(fc_ctx *c, fc_tree_stats *st);
// fc_walk_visits copies the cells visited by each walk group of the last
// tree tick into dst (ceil(n / 32) ints).
int fc_walk_visits(fc_ctx *c, int *dst);
// fc_device_info writes a line on device 0 (SM count, clocks, memory, driver
// and runtime versions) into buf.
int fc_device_info(char *buf, int len);

// A node with at least FC_WIDE springs is a wide node: whole warps sum its
// springs, FC_SEG per warp (one segment), instead of its own thread alone.
#define FC_WIDE 32
#define FC_SEG 256

// fc_plan_wide writes the wide nodes' segments of the CSR row_ptr (n + 1
// ints): wide_of[i] is node i's first segment or -1 when node i is not wide;
// a wide node of degree d has (d + FC_SEG - 1) / FC_SEG consecutive
// segments, and seg_node[s] is the node of segment s. It returns the number
// of segments; with wide_of and seg_node NULL it only counts them.
int fc_plan_wide(int n, const int *row_ptr, int *wide_of, int *seg_node);

// fc_emulate runs the device algorithm serially on the host, on host arrays,
// for checking the math without a GPU. pos and vel are updated in place.
int fc_emulate(const fc_params *p, int n, float *pos, float *vel,
               const int *row_ptr, const int *col, const float *weight,
               const fc_constraints *k, const float *alpha, int ticks, double *ke);

// Walk criteria of fc_emulate_tree.
enum {
	FC_WALK_VOTE = 0,      // the device's: per node, voted by the group
	FC_WALK_GROUP_BOX = 1, // the former one: gap to the group's bounding box
};

// fc_emulate_tree builds the tree over pos (dims*n floats) on the host as
// one tick would, with the keys sorted on their low sort_bits bits only
// (dims*16 for a correct sort), and walks it with the given criterion. It
// writes the repulsion (without RepelK; may be NULL), the cells visited per
// walk group (ceil(n / 32) ints; may be NULL) and the tree's stats.
int fc_emulate_tree(const fc_params *p, int n, const float *pos, int sort_bits, int criterion,
                    float *rep, int *visits, fc_tree_stats *st);

// fc_emulate_bottom_up runs the bottom-up pass on the host over a given
// tree of n leaves (children as in fc_node, parents of inner nodes and of
// leaves), for testing its bound on malformed trees. It writes the root's
// mass and the FC_ERR_* bits.
int fc_emulate_bottom_up(int n, const int *left, const int *right, const int *parent,
                         const int *leaf_parent, double *root_mass, int *err);

#ifdef __cplusplus
}
#endif

#endif
