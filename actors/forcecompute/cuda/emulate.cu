// fc_emulate: the device algorithm run serially on the host, one loop per
// kernel, calling the same per-node functions (physics.cuh, tree.cuh). It
// lets machines without a GPU check the math and the tree against the CPU
// kernel; only the launches and memory traffic are left untested there.
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <vector>

#include "forcecompute.h"
#include "tree.cuh"

namespace {

// tree_forces is fc_tree_forces of kernels.cu on the host.
void tree_forces(const fc_params &p, int n, fc_soa pos, fc_soa rep) {
	float mn[3] = {INFINITY, INFINITY, INFINITY}, mx[3] = {-INFINITY, -INFINITY, -INFINITY};
	for (int i = 0; i < n; i++) {
		float x[3] = {pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f};
		for (int c = 0; c < 3; c++) {
			mn[c] = std::min(mn[c], x[c]);
			mx[c] = std::max(mx[c], x[c]);
		}
	}
	fc_box box = fc_make_box(p.dims, mn, mx);
	std::vector<uint64_t> key(n);
	std::vector<int> perm(n);
	for (int i = 0; i < n; i++) {
		key[i] = fc_morton(p.dims, box, pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f);
		perm[i] = i;
	}
	// A stable sort by key, as the device radix sort is.
	std::stable_sort(perm.begin(), perm.end(), [&](int a, int b) { return key[a] < key[b]; });
	std::vector<uint64_t> skey(n);
	std::vector<float4> body(n);
	for (int s = 0; s < n; s++) {
		int i = perm[s];
		skey[s] = key[i];
		body[s] = make_float4(pos.x[i], pos.y[i], pos.z ? pos.z[i] : 0.0f, 0.0f);
	}
	const size_t inner = n > 1 ? (size_t)(n - 1) : 1;
	std::vector<int> left(inner), right(inner), parent(inner), arrived(inner), leaf_parent(n);
	std::vector<float> open2(inner);
	std::vector<float4> com(inner);
	fc_tree t = {n, skey.data(), body.data(), left.data(), right.data(), parent.data(),
	             leaf_parent.data(), open2.data(), com.data(), arrived.data()};
	if (n > 1) {
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
		int i = perm[s];
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
	std::vector<float> out(len), rep(len);
	fc_graph g = {n, row_ptr, col, weight, k->pin_of, k->pin_pos,
	              k->con_row, k->con_col, k->con_len, k->con_k};
	*ke = 0.0;
	for (int t = 0; t < ticks; t++) {
		fc_soa ps = split(pos, n, p->dims), rs = split(rep.data(), n, p->dims);
		if (p->theta > 0.0f) {
			tree_forces(*p, n, ps, rs);
		} else {
			exact_forces(*p, n, ps, rs);
		}
		double e = 0.0;
		fc_soa os = split(out.data(), n, p->dims), vs = split(vel, n, p->dims);
		for (int i = 0; i < n; i++) {
			e += fc_integrate(*p, g, i, ps, os, vs, rs, alpha[t]);
		}
		memcpy(pos, out.data(), len * sizeof(float));
		*ke = e;
	}
	return 0;
}
