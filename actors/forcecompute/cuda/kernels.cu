// Device kernels of one tick and their launchers. The per-node math lives in
// physics.cuh and tree.cuh; this file maps it onto threads. Parameters travel
// with each launch (kernel arguments), never through process-wide constant
// memory, so kernels of different contexts cannot see each other's.
// CUB includes <iostream>, whose static initialiser would link libstdc++'s
// locale, iostream and random_device code (and so glibc 2.36's arc4random)
// into every binary. CUB needs only the stream types of <ostream>, so
// <iostream> itself is skipped by defining its include guard.
#include <ostream>
#define _GLIBCXX_IOSTREAM 1
#include <cub/device/device_radix_sort.cuh>

#include "state.h"

#define FC_BLOCK 256

static_assert(FC_BLOCK % FC_GROUP == 0 && FC_GROUP == 32, "walk groups must be whole warps");
static_assert(FC_BLOCK % FC_WARP == 0 && FC_WARP == 32, "k_springs_wide's segments must be whole warps");

static inline unsigned fc_blocks(int n) {
	return (unsigned)((n + FC_BLOCK - 1) / FC_BLOCK);
}

static fc_soa fc_split(float *base, int n, int dims) {
	fc_soa s = {base, base + n, dims == 3 ? base + 2 * (size_t)n : NULL};
	return s;
}

static fc_graph fc_graph_of(const fc_dev *d) {
	fc_graph g = {d->n, d->row_ptr, d->col, d->weight, d->pin_of, d->pin_pos,
	              d->con_row, d->con_col, d->con_len, d->con_k, d->wide_of, d->seg_node};
	return g;
}

static fc_tree fc_tree_of(const fc_dev *d, const uint64_t *key) {
	fc_tree t = {d->n, key, d->body, d->node, d->parent, d->leaf_parent, d->arrived, d->err, d->visits};
	return t;
}

// k_bounds writes per-block minima and maxima (6 floats per block); the
// last block to finish merges them into the bounding cube. Thread 0 of each
// block writes its partials and takes a ticket with an acq_rel fetch_add:
// the release publishes the partials, and the last block's acquire sees
// every block's. The last block resets the ticket for the next tick.
__global__ void k_bounds(int n, int dims, fc_soa pos, float *out, unsigned *ticket, fc_box *box) {
	__shared__ float sh[6][FC_BLOCK];
	float v[6] = {INFINITY, INFINITY, INFINITY, -INFINITY, -INFINITY, -INFINITY};
	for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
		float x[3] = {pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f};
		for (int c = 0; c < 3; c++) {
			v[c] = fminf(v[c], x[c]);
			v[3 + c] = fmaxf(v[3 + c], x[c]);
		}
	}
	for (int c = 0; c < 6; c++) {
		sh[c][threadIdx.x] = v[c];
	}
	__syncthreads();
	for (int w = blockDim.x / 2; w > 0; w /= 2) {
		if (threadIdx.x < w) {
			for (int c = 0; c < 3; c++) {
				sh[c][threadIdx.x] = fminf(sh[c][threadIdx.x], sh[c][threadIdx.x + w]);
				sh[3 + c][threadIdx.x] = fmaxf(sh[3 + c][threadIdx.x], sh[3 + c][threadIdx.x + w]);
			}
		}
		__syncthreads();
	}
	if (threadIdx.x != 0) {
		return;
	}
	for (int c = 0; c < 6; c++) {
		out[6 * blockIdx.x + c] = sh[c][0];
	}
	cuda::atomic_ref<unsigned, cuda::thread_scope_device> done(*ticket);
	if (done.fetch_add(1u, cuda::memory_order_acq_rel) != gridDim.x - 1) {
		return;
	}
	for (int c = 0; c < 3; c++) {
		v[c] = INFINITY;
		v[3 + c] = -INFINITY;
	}
	for (int b = 0; b < (int)gridDim.x; b++) {
		for (int c = 0; c < 3; c++) {
			v[c] = fminf(v[c], out[6 * b + c]);
			v[3 + c] = fmaxf(v[3 + c], out[6 * b + 3 + c]);
		}
	}
	*box = fc_make_box(dims, v, v + 3);
	done.store(0u, cuda::memory_order_relaxed);
}

// k_keys writes node i's Morton key and, while it has the position at
// hand, its float4 copy for fc_integrate.
__global__ void k_keys(int n, int dims, fc_soa pos, const fc_box *box, uint64_t *key, int *idx, float4 *near) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n) {
		const float4 q = make_float4(pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f, 0.0f);
		key[i] = fc_morton(dims, *box, q.x, q.y, q.z);
		idx[i] = i;
		near[i] = q;
	}
}

__global__ void k_gather(int n, fc_soa pos, const int *perm, float4 *body) {
	int s = blockIdx.x * blockDim.x + threadIdx.x;
	if (s < n) {
		int i = perm[s];
		body[s] = make_float4(pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f, 0.0f);
	}
}

__global__ void k_build(fc_tree t, int dims, float theta, const fc_box *box) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < t.n - 1) {
		fc_build_node(t, dims, box->side, theta, i);
	}
}

__global__ void k_bottom_up(fc_tree t) {
	int s = blockIdx.x * blockDim.x + threadIdx.x;
	if (s < t.n) {
		fc_bottom_up(t, s);
	}
}

// k_walk computes the tree repulsion of sorted node s. Threads follow the
// Morton order, so each warp is one walk group (FC_GROUP == warp size) and
// votes on every cell (fc_walk). Every lane of a warp with a node walks:
// tail lanes past n walk as node n-1 and write nothing; only warps wholly
// past n leave at once.
__global__ void k_walk(fc_tree t, int dims, float eps2, const int *perm, fc_soa rep) {
	const int s = blockIdx.x * blockDim.x + threadIdx.x;
	if ((s & ~(FC_GROUP - 1)) >= t.n) {
		return; // the whole warp is past n
	}
	const int c = s < t.n ? s : t.n - 1;
	const float4 me[1] = {t.body[c]};
	const int self[1] = {c};
	float f[1][3];
	const int visits = fc_walk<1>(t, dims, eps2, me, self, f);
	if (t.visits != NULL && s % FC_GROUP == 0) {
		t.visits[s / FC_GROUP] = visits;
	}
	if (s < t.n) {
		int i = perm[s];
		rep.x[i] = f[0][0];
		rep.y[i] = f[0][1];
		if (rep.z) {
			rep.z[i] = f[0][2];
		}
	}
}

// k_exact is the all-pairs repulsion (Theta == 0), tiled through shared
// memory. It also writes the float4 copy of the positions for fc_integrate.
__global__ void k_exact(int n, int dims, float eps2, fc_soa pos, fc_soa rep, float4 *near) {
	__shared__ float4 tile[FC_BLOCK];
	const int i = blockIdx.x * blockDim.x + threadIdx.x;
	float xi = 0.0f, yi = 0.0f, zi = 0.0f;
	if (i < n) {
		xi = pos.x[i];
		yi = pos.y[i];
		zi = pos.z ? pos.z[i] : 0.0f;
		near[i] = make_float4(xi, yi, zi, 0.0f);
	}
	float fx = 0.0f, fy = 0.0f, fz = 0.0f;
	for (int base = 0; base < n; base += blockDim.x) {
		int j = base + threadIdx.x;
		tile[threadIdx.x] = j < n ? make_float4(pos.x[j], pos.y[j], pos.z ? pos.z[j] : 0.0f, 0.0f)
		                          : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
		__syncthreads();
		int m = min((int)blockDim.x, n - base);
		for (int k = 0; k < m; k++) {
			float4 b = tile[k];
			fc_repel(dims, eps2, xi - b.x, yi - b.y, zi - b.z, 1.0f, fx, fy, fz);
		}
		__syncthreads();
	}
	if (i < n) {
		rep.x[i] = fx;
		rep.y[i] = fy;
		if (rep.z) {
			rep.z[i] = fz;
		}
	}
}

// k_springs_wide sums the springs of the wide nodes, one warp per segment:
// each lane its share (fc_segment_lane), then a butterfly across the lanes
// in a fixed order (lane_sum in emulate.cu), so the sums are the same bits
// every run. A hub's thousands of springs would otherwise be gathered one
// after another by its thread alone, and k_integrate would wait for it.
__global__ void k_springs_wide(fc_params p, fc_graph g, int nseg, const float4 *near, float4 *part) {
	const int t = blockIdx.x * blockDim.x + threadIdx.x;
	const int s = t / FC_WARP, lane = t % FC_WARP;
	if (s >= nseg) {
		return; // the whole warp: s is the warp's
	}
	float v[3] = {0.0f, 0.0f, 0.0f};
	fc_segment_lane(p, g, near, s, lane, v[0], v[1], v[2]);
	for (int m = FC_WARP / 2; m > 0; m /= 2) {
		for (int c = 0; c < 3; c++) {
			v[c] += __shfl_xor_sync(0xffffffffu, v[c], m);
		}
	}
	if (lane == 0) {
		part[s] = make_float4(v[0], v[1], v[2], 0.0f);
	}
}

// k_integrate advances every node; with ke != NULL it adds the kinetic
// energy, summed per block in double.
__global__ void k_integrate(fc_params p, fc_graph g, fc_soa pos, const float4 *near, const float4 *part,
                            fc_soa out, fc_soa vel, fc_soa rep, float alpha, double *ke) {
	__shared__ double sh[FC_BLOCK];
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	double e = 0.0;
	if (i < g.n) {
		e = fc_integrate(p, g, i, pos, near, part, out, vel, rep, alpha);
	}
	if (ke == NULL) {
		return;
	}
	sh[threadIdx.x] = e;
	__syncthreads();
	for (int w = blockDim.x / 2; w > 0; w /= 2) {
		if (threadIdx.x < w) {
			sh[threadIdx.x] += sh[threadIdx.x + w];
		}
		__syncthreads();
	}
	if (threadIdx.x == 0) {
		atomicAdd(ke, sh[0]);
	}
}

__global__ void k_pins(int dims, fc_graph g, fc_soa pos, fc_soa vel) {
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < g.n) {
		fc_pin(dims, g, i, pos, vel);
	}
}

cudaError_t fc_sort_bytes(int n, size_t *bytes) {
	cub::DoubleBuffer<uint64_t> keys(NULL, NULL);
	cub::DoubleBuffer<int> vals(NULL, NULL);
	*bytes = 0;
	return cub::DeviceRadixSort::SortPairs(NULL, *bytes, keys, vals, n, 0, 3 * FC_KEY_BITS);
}

// FC_LAUNCHED checks the launch just queued.
#define FC_LAUNCHED(name)                                   \
	do {                                                    \
		cudaError_t e_ = cudaGetLastError();                \
		if (e_ != cudaSuccess) {                            \
			*what = name;                                   \
			return e_;                                      \
		}                                                   \
	} while (0)

// FC_PHASE records the end of phase k when the tick is timed.
#define FC_PHASE(k)                                         \
	do {                                                    \
		if (ev != NULL) {                                   \
			cudaError_t e_ = cudaEventRecord(ev[(k) + 1], s); \
			if (e_ != cudaSuccess) {                        \
				*what = "cudaEventRecord";                  \
				return e_;                                  \
			}                                               \
		}                                                   \
	} while (0)

// fc_tree_forces builds the tree over positions pos and writes the
// repulsion of every node into rep.
static cudaError_t fc_tree_forces(fc_dev *d, const fc_params &p, fc_soa pos, fc_soa rep, cudaStream_t s,
                                  cudaEvent_t *ev, const char **what) {
	const int n = d->n;
	k_bounds<<<FC_BOUNDS_BLOCKS, FC_BLOCK, 0, s>>>(n, p.dims, pos, d->bounds, d->ticket, d->box);
	FC_LAUNCHED("k_bounds");
	FC_PHASE(FC_PH_BOUNDS);
	k_keys<<<fc_blocks(n), FC_BLOCK, 0, s>>>(n, p.dims, pos, d->box, d->key[0], d->idx[0], d->near);
	FC_LAUNCHED("k_keys");
	FC_PHASE(FC_PH_KEYS);
	cub::DoubleBuffer<uint64_t> keys(d->key[0], d->key[1]);
	cub::DoubleBuffer<int> vals(d->idx[0], d->idx[1]);
	size_t bytes = d->sort_tmp_bytes;
	cudaError_t e = cub::DeviceRadixSort::SortPairs(d->sort_tmp, bytes, keys, vals, n, 0,
	                                                p.dims * FC_KEY_BITS, s);
	if (e != cudaSuccess) {
		*what = "cub::DeviceRadixSort::SortPairs";
		return e;
	}
	FC_LAUNCHED("cub::DeviceRadixSort::SortPairs");
	FC_PHASE(FC_PH_SORT);
	const int *perm = vals.Current();
	k_gather<<<fc_blocks(n), FC_BLOCK, 0, s>>>(n, pos, perm, d->body);
	FC_LAUNCHED("k_gather");
	fc_tree t = fc_tree_of(d, keys.Current());
	if (n > 1) {
		k_build<<<fc_blocks(n - 1), FC_BLOCK, 0, s>>>(t, p.dims, p.theta, d->box);
		FC_LAUNCHED("k_build");
		e = cudaMemsetAsync(d->arrived, 0, sizeof(int) * (size_t)(n - 1), s);
		if (e != cudaSuccess) {
			*what = "cudaMemsetAsync(arrived)";
			return e;
		}
	}
	FC_PHASE(FC_PH_BUILD);
	if (n > 1) {
		k_bottom_up<<<fc_blocks(n), FC_BLOCK, 0, s>>>(t);
		FC_LAUNCHED("k_bottom_up");
	}
	FC_PHASE(FC_PH_BOTTOM_UP);
	k_walk<<<fc_blocks(n), FC_BLOCK, 0, s>>>(t, p.dims, p.softening * p.softening, perm, rep);
	FC_LAUNCHED("k_walk");
	return cudaSuccess;
}

cudaError_t fc_tick(fc_dev *d, float alpha, bool want_ke, cudaStream_t s, cudaEvent_t *ev, const char **what) {
	const int n = d->n;
	if (ev != NULL) {
		cudaError_t e = cudaEventRecord(ev[0], s);
		if (e != cudaSuccess) {
			*what = "cudaEventRecord";
			return e;
		}
	}
	if (want_ke) {
		cudaError_t e = cudaMemsetAsync(d->ke, 0, sizeof(double), s);
		if (e != cudaSuccess) {
			*what = "cudaMemsetAsync(ke)";
			return e;
		}
	}
	// The arrays are laid out for d->dims; a pending change of Dims waits
	// for its re-upload.
	fc_params p = d->p;
	p.dims = d->dims;
	fc_soa pos = fc_split(d->pos[d->cur], n, d->dims);
	fc_soa out = fc_split(d->pos[d->cur ^ 1], n, d->dims);
	fc_soa vel = fc_split(d->vel, n, d->dims);
	fc_soa rep = fc_split(d->rep, n, d->dims);
	if (n > 0 && p.theta > 0.0f) {
		cudaError_t e = fc_tree_forces(d, p, pos, rep, s, ev, what);
		if (e != cudaSuccess) {
			return e;
		}
	} else {
		for (int k = FC_PH_BOUNDS; k < FC_PH_WALK; k++) {
			FC_PHASE(k);
		}
		if (n > 0) {
			k_exact<<<fc_blocks(n), FC_BLOCK, 0, s>>>(n, p.dims, p.softening * p.softening, pos, rep, d->near);
			FC_LAUNCHED("k_exact");
		}
	}
	FC_PHASE(FC_PH_WALK);
	const fc_graph g = fc_graph_of(d);
	if (d->nseg > 0) {
		k_springs_wide<<<fc_blocks(d->nseg * FC_WARP), FC_BLOCK, 0, s>>>(p, g, d->nseg, d->near, d->part);
		FC_LAUNCHED("k_springs_wide");
	}
	if (n > 0) {
		k_integrate<<<fc_blocks(n), FC_BLOCK, 0, s>>>(p, g, pos, d->near, d->part, out, vel, rep, alpha,
		                                              want_ke ? d->ke : NULL);
		FC_LAUNCHED("k_integrate");
		d->cur ^= 1;
	}
	FC_PHASE(FC_PH_INTEGRATE);
	return cudaSuccess;
}

cudaError_t fc_apply_pins(fc_dev *d, cudaStream_t s) {
	if (d->n == 0 || d->npins == 0) {
		return cudaSuccess;
	}
	fc_soa pos = fc_split(d->pos[d->cur], d->n, d->dims);
	fc_soa vel = fc_split(d->vel, d->n, d->dims);
	k_pins<<<fc_blocks(d->n), FC_BLOCK, 0, s>>>(d->dims, fc_graph_of(d), pos, vel);
	return cudaGetLastError();
}
