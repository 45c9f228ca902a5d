// Device state of one context and the launchers of kernels.cu.
#ifndef FC_STATE_H
#define FC_STATE_H

#include <cuda_runtime.h>
#include <stddef.h>

#include "tree.cuh"

#define FC_BOUNDS_BLOCKS 128 // blocks of the bounding-box reduction

// fc_dev holds every device allocation of a context. Positions are double
// buffered: a tick reads pos[cur] and writes pos[cur ^ 1].
struct fc_dev {
	int n, dims, nnz, npins, ncon;
	float *pos[2];
	int cur;
	float *vel, *rep;
	float4 *near; // this tick's positions, one float4 per node, for fc_integrate
	int *row_ptr, *col;
	float *weight;
	int *pin_of;
	float *pin_pos;
	int *con_row, *con_col;
	float *con_len, *con_k;
	int nseg;            // segments of the wide nodes (fc_plan_wide)
	int *wide_of, *seg_node;
	float4 *part;        // each segment's spring sum, k_springs_wide's
	uint64_t *key[2];
	int *idx[2];
	float4 *body;
	fc_node *node;
	int *parent, *leaf_parent, *arrived;
	int *visits; // cells visited per walk group, ceil(n / FC_GROUP)
	void *sort_tmp;
	size_t sort_tmp_bytes;
	float *bounds; // per-block min/max partials, 6 per block
	fc_box *box;
	unsigned *ticket; // k_bounds' blocks done, 0 between ticks
	double *ke;
	int *err;    // FC_ERR_* bits of the ticks since fc_step began
	fc_params p; // passed to every launch
};
// fc_sort_bytes is the scratch size the key sort needs for n nodes.
cudaError_t fc_sort_bytes(int n, size_t *bytes);
// fc_tick queues one tick on s; with want_ke it leaves the kinetic energy
// in d->ke. With ev (FC_PHASES + 1 events) it records ev[0] at the start
// and ev[k + 1] at the end of phase k. On failure *what names the launch
// that failed.
cudaError_t fc_tick(fc_dev *d, float alpha, bool want_ke, cudaStream_t s, cudaEvent_t *ev, const char **what);
// fc_apply_pins queues moving pinned nodes to their pins.
cudaError_t fc_apply_pins(fc_dev *d, cudaStream_t s);

#endif
