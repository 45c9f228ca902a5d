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

// fc_set_params copies p into constant memory.
int fc_set_params(fc_ctx *c, const fc_params *p);
// fc_upload replaces the graph and the state (positions and velocities of
// dims*n floats each) and clears the constraints.
int fc_upload(fc_ctx *c, int n, int dims, const float *pos, const float *vel,
              const int *row_ptr, const int *col, const float *weight);
// fc_set_constraints replaces the constraints and moves pinned nodes.
int fc_set_constraints(fc_ctx *c, const fc_constraints *k);
// fc_step advances ticks ticks with force scale alpha[t] for tick t and
// writes the kinetic energy after the last one. It waits for the GPU.
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

// fc_emulate runs the device algorithm serially on the host, on host arrays,
// for checking the math without a GPU. pos and vel are updated in place.
int fc_emulate(const fc_params *p, int n, float *pos, float *vel,
               const int *row_ptr, const int *col, const float *weight,
               const fc_constraints *k, const float *alpha, int ticks, double *ke);

#ifdef __cplusplus
}
#endif

#endif
