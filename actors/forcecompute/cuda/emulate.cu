// fc_emulate: the device algorithm run serially on the host, one loop per
// kernel, calling the same per-node functions (physics.cuh, tree.cuh). It
// lets machines without a GPU check the math and the tree against the CPU
// kernel; only the launches and memory traffic are left untested there.
#include <stdlib.h>
#include <string.h>

#include "forcecompute.h"
#include "tree.cuh"

// Plain C allocation and qsort keep the library free of the C++ runtime
// (exceptions, iostreams), so binaries need no libstdc++ code that would
// raise their glibc requirement.
namespace {

struct keyed {
	uint64_t key;
	int idx;
};

// sort_mask is the part of the key that by_key compares: all of it for
// the emulation, fewer bits to reproduce a sort on too few bits. qsort takes
// no context, and the emulation runs on one thread per call: thread_local.
thread_local uint64_t sort_mask = ~0ull;

// by_key orders by key, then index: the order of a stable sort by key, as
// the device radix sort gives.
int by_key(const void *a, const void *b) {
	const keyed *x = (const keyed *)a, *y = (const keyed *)b;
	const uint64_t kx = x->key & sort_mask, ky = y->key & sort_mask;
	if (kx != ky) {
		return kx < ky ? -1 : 1;
	}
	return x->idx < y->idx ? -1 : (x->idx > y->idx ? 1 : 0);
}

// scratch is the host copy of the tree arrays of fc_dev.
struct scratch {
	keyed *order;
	uint64_t *key;
	float4 *body;
	fc_node *node;
	int *parent, *arrived, *leaf_parent, *visits;
	float *out, *rep;
	float4 *near;
};

void scratch_free(scratch *s) {
	void *all[] = {s->order, s->key, s->body, s->node, s->parent,
	               s->arrived, s->leaf_parent, s->visits, s->out, s->rep, s->near};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		free(all[i]);
	}
}

bool scratch_alloc(scratch *s, int n, int dims) {
	memset(s, 0, sizeof *s);
	size_t un = (size_t)(n > 0 ? n : 1), inner = (size_t)(n > 1 ? n - 1 : 1);
	s->order = (keyed *)malloc(un * sizeof(keyed));
	s->key = (uint64_t *)malloc(un * sizeof(uint64_t));
	s->body = (float4 *)malloc(un * sizeof(float4));
	s->node = (fc_node *)malloc(inner * sizeof(fc_node));
	s->parent = (int *)malloc(inner * sizeof(int));
	s->arrived = (int *)malloc(inner * sizeof(int));
	s->leaf_parent = (int *)malloc(un * sizeof(int));
	s->visits = (int *)malloc((un / FC_GROUP + 1) * sizeof(int));
	s->out = (float *)malloc((size_t)dims * un * sizeof(float));
	s->rep = (float *)malloc((size_t)dims * un * sizeof(float));
	s->near = (float4 *)malloc(un * sizeof(float4));
	return s->order && s->key && s->body && s->node && s->parent &&
	       s->arrived && s->leaf_parent && s->visits && s->out && s->rep && s->near;
}

// walk_group_box is the walk before the per-node criterion, kept only to
// measure against (FC_WALK_GROUP_BOX): the group opens a cell unless the gap
// from the cell's centre of mass to the group's bounding box exceeds
// s/Theta. It returns the cells visited and writes the forces of the group.
int walk_group_box(const fc_tree &t, int dims, float eps2, int first, int count, float (*f)[3]) {
	float lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
	for (int l = 0; l < count; l++) {
		const float4 b = t.body[first + l];
		const float x[3] = {b.x, b.y, b.z};
		for (int c = 0; c < 3; c++) {
			lo[c] = fminf(lo[c], x[c]);
			hi[c] = fmaxf(hi[c], x[c]);
		}
		f[l][0] = f[l][1] = f[l][2] = 0.0f;
	}
	if (t.n < 2) {
		return 0;
	}
	int stack[FC_STACK];
	int sp = 0, visits = 0;
	stack[sp++] = 0;
	while (sp > 0 && ++visits <= t.n - 1) {
		const fc_node nd = t.node[stack[--sp]];
		const float x[3] = {nd.com.x, nd.com.y, nd.com.z};
		float g2 = 0.0f;
		for (int c = 0; c < 3; c++) {
			float g = x[c] < lo[c] ? lo[c] - x[c] : (x[c] > hi[c] ? x[c] - hi[c] : 0.0f);
			g2 += g * g;
		}
		if (g2 > nd.open2) {
			for (int l = 0; l < count; l++) {
				const float4 me = t.body[first + l];
				fc_repel(dims, eps2, me.x - x[0], me.y - x[1], me.z - x[2], nd.com.w, f[l][0], f[l][1], f[l][2]);
			}
			continue;
		}
		const int kids[2] = {nd.left, nd.right};
		for (int k = 0; k < 2; k++) {
			const int ch = kids[k];
			if (ch < 0) {
				const float4 b = t.body[~ch];
				for (int l = 0; l < count; l++) {
					const float4 me = t.body[first + l];
					if (~ch != first + l) {
						fc_repel(dims, eps2, me.x - b.x, me.y - b.y, me.z - b.z, 1.0f, f[l][0], f[l][1], f[l][2]);
					}
				}
			} else if (sp < FC_STACK) {
				stack[sp++] = ch;
			}
		}
	}
	return visits;
}

// tree_forces is fc_tree_forces of kernels.cu on the host, with the keys
// sorted on sort_bits bits: the same keys, tree and walk (k_walk's warps
// become the groups of fc_walk<FC_GROUP>). It leaves the cells visited per
// group in w->visits and returns the FC_ERR_* bits.
int tree_forces(const fc_params &p, int n, fc_soa pos, fc_soa rep, scratch *w, int sort_bits, int criterion) {
	float mn[3] = {INFINITY, INFINITY, INFINITY}, mx[3] = {-INFINITY, -INFINITY, -INFINITY};
	for (int i = 0; i < n; i++) {
		float x[3] = {pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f};
		for (int c = 0; c < 3; c++) {
			mn[c] = fminf(mn[c], x[c]);
			mx[c] = fmaxf(mx[c], x[c]);
		}
	}
	fc_box box = fc_make_box(p.dims, mn, mx);
	for (int i = 0; i < n; i++) {
		w->order[i].key = fc_morton(p.dims, box, pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f);
		w->order[i].idx = i;
	}
	sort_mask = sort_bits >= 64 ? ~0ull : (1ull << sort_bits) - 1;
	qsort(w->order, (size_t)n, sizeof(keyed), by_key);
	sort_mask = ~0ull;
	for (int s = 0; s < n; s++) {
		int i = w->order[s].idx;
		w->key[s] = w->order[s].key;
		w->body[s] = make_float4(pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f, 0.0f);
	}
	int err = 0;
	fc_tree t = {n, w->key, w->body, w->node, w->parent, w->leaf_parent, w->arrived, &err, w->visits};
	if (n > 1) {
		// A tree over missorted keys may leave parents unset: start defined.
		memset(w->parent, 0xff, (size_t)(n - 1) * sizeof(int));
		memset(w->leaf_parent, 0xff, (size_t)n * sizeof(int));
		memset(w->arrived, 0, (size_t)(n - 1) * sizeof(int));
		for (int i = 0; i < n - 1; i++) {
			fc_node zero = {};
			w->node[i] = zero;
			fc_build_node(t, p.dims, box.side, p.theta, i);
		}
		for (int s = 0; s < n; s++) {
			fc_bottom_up(t, s);
		}
	}
	const float eps2 = p.softening * p.softening;
	for (int first = 0; first < n; first += FC_GROUP) {
		const int count = n - first < FC_GROUP ? n - first : FC_GROUP;
		float4 me[FC_GROUP];
		int self[FC_GROUP];
		float f[FC_GROUP][3];
		for (int l = 0; l < FC_GROUP; l++) {
			self[l] = first + (l < count ? l : count - 1); // tail lanes clamped, as on the device
			me[l] = t.body[self[l]];
		}
		if (criterion == FC_WALK_GROUP_BOX) {
			w->visits[first / FC_GROUP] = walk_group_box(t, p.dims, eps2, first, count, f);
		} else {
			w->visits[first / FC_GROUP] = fc_walk<FC_GROUP>(t, p.dims, eps2, me, self, f);
		}
		for (int l = 0; l < count; l++) {
			int i = w->order[first + l].idx;
			rep.x[i] = f[l][0];
			rep.y[i] = f[l][1];
			if (rep.z) {
				rep.z[i] = f[l][2];
			}
		}
	}
	return err;
}

void exact_forces(const fc_params &p, int n, fc_soa pos, fc_soa rep) {
	const float eps2 = p.softening * p.softening;
	for (int i = 0; i < n; i++) {
		float zi = pos.z ? pos.z[i] : 0.0f;
		float fx = 0.0f, fy = 0.0f, fz = 0.0f;
		for (int j = 0; j < n; j++) {
			float zj = pos.z ? pos.z[j] : 0.0f;
			fc_repel(p.dims, eps2, pos.x[i] - pos.x[j], pos.y[i] - pos.y[j], zi - zj, 1.0f, fx, fy, fz);
		}
		rep.x[i] = fx;
		rep.y[i] = fy;
		if (rep.z) {
			rep.z[i] = fz;
		}
	}
}

fc_soa split(float *base, int n, int dims) {
	fc_soa s = {base, base + n, dims == 3 ? base + 2 * (size_t)n : NULL};
	return s;
}

// lane_sum is k_springs_wide's butterfly: at each step (m = 16, 8, ..., 1)
// lane l adds lane l ^ m's value to its own. It returns lane 0's sum.
float lane_sum(float v[FC_WARP]) {
	for (int m = FC_WARP / 2; m > 0; m /= 2) {
		float t[FC_WARP];
		for (int l = 0; l < FC_WARP; l++) {
			t[l] = v[l] + v[l ^ m];
		}
		memcpy(v, t, sizeof t);
	}
	return v[0];
}

// springs_wide is k_springs_wide: the springs of segment s, lane by lane,
// then added up across the lanes as the warp does.
void springs_wide(const fc_params &p, const fc_graph &g, int nseg, const float4 *near, float4 *part) {
	for (int s = 0; s < nseg; s++) {
		float v[3][FC_WARP];
		for (int l = 0; l < FC_WARP; l++) {
			v[0][l] = v[1][l] = v[2][l] = 0.0f;
			fc_segment_lane(p, g, near, s, l, v[0][l], v[1][l], v[2][l]);
		}
		part[s] = make_float4(lane_sum(v[0]), lane_sum(v[1]), lane_sum(v[2]), 0.0f);
	}
}

} // namespace

extern "C" int fc_emulate(const fc_params *p, int n, float *pos, float *vel,
                          const int *row_ptr, const int *col, const float *weight,
                          const fc_constraints *k, const float *alpha, int ticks, double *ke) {
	const size_t len = (size_t)p->dims * (size_t)n;
	scratch w;
	if (!scratch_alloc(&w, n, p->dims)) {
		scratch_free(&w);
		return (int)cudaErrorMemoryAllocation;
	}
	const int nseg = fc_plan_wide(n, row_ptr, NULL, NULL);
	int *wide_of = (int *)malloc((size_t)(n > 0 ? n : 1) * sizeof(int));
	int *seg_node = (int *)malloc((size_t)(nseg > 0 ? nseg : 1) * sizeof(int));
	float4 *part = (float4 *)malloc((size_t)(nseg > 0 ? nseg : 1) * sizeof(float4));
	if (wide_of == NULL || seg_node == NULL || part == NULL) {
		free(wide_of);
		free(seg_node);
		free(part);
		scratch_free(&w);
		return (int)cudaErrorMemoryAllocation;
	}
	fc_plan_wide(n, row_ptr, wide_of, seg_node);
	fc_graph g = {n, row_ptr, col, weight, k->pin_of, k->pin_pos,
	              k->con_row, k->con_col, k->con_len, k->con_k, wide_of, seg_node};
	int rc = 0;
	*ke = 0.0;
	for (int t = 0; t < ticks; t++) {
		fc_soa ps = split(pos, n, p->dims), rs = split(w.rep, n, p->dims);
		if (p->theta > 0.0f) {
			if (tree_forces(*p, n, ps, rs, &w, p->dims * FC_KEY_BITS, FC_WALK_VOTE) != 0) {
				rc = FC_ERR_TREE;
				break;
			}
		} else {
			exact_forces(*p, n, ps, rs);
		}
		for (int i = 0; i < n; i++) { // k_keys' (or k_exact's) float4 copy
			w.near[i] = make_float4(ps.x[i], ps.y[i], ps.z ? ps.z[i] : 0.0f, 0.0f);
		}
		springs_wide(*p, g, nseg, w.near, part);
		double e = 0.0;
		fc_soa os = split(w.out, n, p->dims), vs = split(vel, n, p->dims);
		for (int i = 0; i < n; i++) {
			e += fc_integrate(*p, g, i, ps, w.near, part, os, vs, rs, alpha[t]);
		}
		memcpy(pos, w.out, len * sizeof(float));
		*ke = e;
	}
	free(wide_of);
	free(seg_node);
	free(part);
	scratch_free(&w);
	return rc;
}

extern "C" int fc_emulate_tree(const fc_params *p, int n, const float *pos, int sort_bits, int criterion,
                               float *rep, int *visits, fc_tree_stats *st) {
	scratch w;
	if (!scratch_alloc(&w, n, p->dims)) {
		scratch_free(&w);
		return (int)cudaErrorMemoryAllocation;
	}
	memcpy(w.out, pos, (size_t)p->dims * (size_t)n * sizeof(float));
	fc_soa ps = split(w.out, n, p->dims), rs = split(w.rep, n, p->dims);
	st->err = tree_forces(*p, n, ps, rs, &w, sort_bits, criterion);
	st->root_mass = n < 2 ? n : w.node[0].com.w;
	st->bad_inner = 0;
	for (int i = 0; i < n - 1; i++) {
		st->bad_inner += w.arrived[i] != 2;
	}
	if (rep != NULL) {
		memcpy(rep, w.rep, (size_t)p->dims * (size_t)n * sizeof(float));
	}
	if (visits != NULL) {
		memcpy(visits, w.visits, (size_t)((n + FC_GROUP - 1) / FC_GROUP) * sizeof(int));
	}
	scratch_free(&w);
	return 0;
}

extern "C" int fc_emulate_bottom_up(int n, const int *left, const int *right, const int *parent,
                                    const int *leaf_parent, double *root_mass, int *err) {
	scratch w;
	if (!scratch_alloc(&w, n, 3)) {
		scratch_free(&w);
		return (int)cudaErrorMemoryAllocation;
	}
	*err = 0;
	for (int s = 0; s < n; s++) {
		w.body[s] = make_float4((float)s, 0.0f, 0.0f, 0.0f);
		w.leaf_parent[s] = leaf_parent[s];
	}
	for (int i = 0; i < n - 1; i++) {
		fc_node nd = {};
		nd.left = left[i];
		nd.right = right[i];
		w.node[i] = nd;
		w.parent[i] = parent[i];
		w.arrived[i] = 0;
	}
	fc_tree t = {n, w.key, w.body, w.node, w.parent, w.leaf_parent, w.arrived, err, NULL};
	for (int s = 0; s < n; s++) {
		fc_bottom_up(t, s);
	}
	*root_mass = n > 1 ? w.node[0].com.w : n;
	scratch_free(&w);
	return 0;
}
