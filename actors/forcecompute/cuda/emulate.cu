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

// by_key orders by key, then index: the order of a stable sort by key, as
// the device radix sort gives.
int by_key(const void *a, const void *b) {
	const keyed *x = (const keyed *)a, *y = (const keyed *)b;
	if (x->key != y->key) {
		return x->key < y->key ? -1 : 1;
	}
	return x->idx < y->idx ? -1 : (x->idx > y->idx ? 1 : 0);
}

// scratch is the host copy of the tree arrays of fc_dev.
struct scratch {
	keyed *order;
	uint64_t *key;
	float4 *body;
	fc_node *node;
	int *parent, *arrived, *leaf_parent;
	float *out, *rep;
};

void scratch_free(scratch *s) {
	void *all[] = {s->order, s->key, s->body, s->node, s->parent,
	               s->arrived, s->leaf_parent, s->out, s->rep};
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
	s->out = (float *)malloc((size_t)dims * un * sizeof(float));
	s->rep = (float *)malloc((size_t)dims * un * sizeof(float));
	return s->order && s->key && s->body && s->node && s->parent &&
	       s->arrived && s->leaf_parent && s->out && s->rep;
}

// tree_forces is fc_tree_forces of kernels.cu on the host.
void tree_forces(const fc_params &p, int n, fc_soa pos, fc_soa rep, scratch *w) {
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
	qsort(w->order, (size_t)n, sizeof(keyed), by_key);
	for (int s = 0; s < n; s++) {
		int i = w->order[s].idx;
		w->key[s] = w->order[s].key;
		w->body[s] = make_float4(pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f, 0.0f);
	}
	fc_tree t = {n, w->key, w->body, w->node, w->parent, w->leaf_parent, w->arrived};
	if (n > 1) {
		memset(w->arrived, 0, (size_t)(n - 1) * sizeof(int));
		for (int i = 0; i < n - 1; i++) {
			fc_build_node(t, p.dims, box.side, p.theta, i);
		}
		for (int s = 0; s < n; s++) {
			fc_bottom_up(t, s);
		}
	}
	for (int s = 0; s < n; s++) {
		float fx, fy, fz;
		fc_walk(t, p.dims, p.softening * p.softening, s, fx, fy, fz);
		int i = w->order[s].idx;
		rep.x[i] = fx;
		rep.y[i] = fy;
		if (rep.z) {
			rep.z[i] = fz;
		}
	}
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
	fc_graph g = {n, row_ptr, col, weight, k->pin_of, k->pin_pos,
	              k->con_row, k->con_col, k->con_len, k->con_k};
	*ke = 0.0;
	for (int t = 0; t < ticks; t++) {
		fc_soa ps = split(pos, n, p->dims), rs = split(w.rep, n, p->dims);
		if (p->theta > 0.0f) {
			tree_forces(*p, n, ps, rs, &w);
		} else {
			exact_forces(*p, n, ps, rs);
		}
		double e = 0.0;
		fc_soa os = split(w.out, n, p->dims), vs = split(vel, n, p->dims);
		for (int i = 0; i < n; i++) {
			e += fc_integrate(*p, g, i, ps, os, vs, rs, alpha[t]);
		}
		memcpy(pos, w.out, len * sizeof(float));
		*ke = e;
	}
	scratch_free(&w);
	return 0;
}
