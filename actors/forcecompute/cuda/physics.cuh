// Per-node force law and integration of kernel.Params' model, shared by the
// device kernels and the host emulation (fc_emulate).
#ifndef FC_PHYSICS_CUH
#define FC_PHYSICS_CUH

#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>

#include "forcecompute.h"

#define FC_HD __host__ __device__ __forceinline__

#define FC_WARP 32 // lanes of a warp

// fc_graph is the device (or host) view of the CSR graph and constraints.
struct fc_graph {
	int n;
	const int *row_ptr, *col;
	const float *weight;
	const int *pin_of;
	const float *pin_pos; // 3 floats per pin
	const int *con_row, *con_col;
	const float *con_len, *con_k;
	const int *wide_of, *seg_node; // fc_plan_wide's segments
};

// fc_soa points at dims blocks of n floats (z is NULL in 2D).
struct fc_soa {
	float *x, *y, *z;
};

// fc_mul and fc_add round every operation on the device as on the host:
// nvcc would otherwise fuse a*b + c into one FMA. The tree's centres of mass
// and the walk's decisions use them, so that the GPU builds and walks
// bit-for-bit the tree of the host emulation (gpu-check compares the cells
// each warp visits exactly).
FC_HD float fc_mul(float a, float b) {
#ifdef __CUDA_ARCH__
	return __fmul_rn(a, b);
#else
	return a * b;
#endif
}

FC_HD float fc_add(float a, float b) {
#ifdef __CUDA_ARCH__
	return __fadd_rn(a, b);
#else
	return a + b;
#endif
}

FC_HD float fc_rsqrt(float v) {
#ifdef __CUDA_ARCH__
	return rsqrtf(v);
#else
	return 1.0f / sqrtf(v);
#endif
}

// fc_repel adds the repulsion of a body of mass m at offset r = x_i - x_j,
// without the RepelK factor: m * r / (|r|^2 + eps2)^(dims/2).
FC_HD void fc_repel(int dims, float eps2, float dx, float dy, float dz, float m,
                    float &fx, float &fy, float &fz) {
	float d2 = dx * dx + dy * dy + dz * dz + eps2;
	float s;
	if (dims == 3) {
		float inv = fc_rsqrt(d2);
		s = m * inv * inv * inv;
	} else {
		s = m / d2;
	}
	fx += dx * s;
	fy += dy * s;
	fz += dz * s;
}

// fc_spring adds k * (|r| - rest) * r/|r| for r = x_j - x_i; 0 when |r| == 0.
FC_HD void fc_spring(float k, float rest, float dx, float dy, float dz,
                     float &fx, float &fy, float &fz) {
	float l2 = dx * dx + dy * dy + dz * dz;
	if (l2 > 0.0f) {
		float l = sqrtf(l2);
		float s = k * (l - rest) / l;
		fx += dx * s;
		fy += dy * s;
		fz += dz * s;
	}
}

// fc_springs adds the springs at CSR entries lo, lo + step, ... below hi,
// pulling a node at me, to (sx, sy, sz), in that order.
FC_HD void fc_springs(const fc_params &p, const fc_graph &g, int lo, int hi, int step,
                      const float4 *near, float4 me, float &sx, float &sy, float &sz) {
	for (int k = lo; k < hi; k += step) {
		const float4 q = near[g.col[k]];
		float dz = p.dims == 3 ? q.z - me.z : 0.0f;
		fc_spring(g.weight[k], p.rest_length, q.x - me.x, q.y - me.y, dz, sx, sy, sz);
	}
}

// fc_segments is the number of segments of a node of degree d.
FC_HD int fc_segments(int d) {
	return d >= FC_WIDE ? (d + FC_SEG - 1) / FC_SEG : 0;
}

// fc_segment_lane adds lane's share of segment s to (sx, sy, sz): the
// springs at its entries lane, lane + FC_WARP, ... k_springs_wide runs it
// on every lane of a warp and adds the lanes up.
FC_HD void fc_segment_lane(const fc_params &p, const fc_graph &g, const float4 *near, int s, int lane,
                           float &sx, float &sy, float &sz) {
	const int i = g.seg_node[s];
	const int lo = g.row_ptr[i] + (s - g.wide_of[i]) * FC_SEG;
	const int end = g.row_ptr[i + 1];
	fc_springs(p, g, lo + lane, lo + FC_SEG < end ? lo + FC_SEG : end, FC_WARP, near, near[i], sx, sy, sz);
}

// fc_integrate advances node i by one tick, in the CPU kernel's order of
// operations. pos is read for node i and near (the same positions as one
// float4 per node, z 0 in 2D: one sector per neighbour instead of three) for
// its neighbours and constraint partners; a wide node's springs are the sums
// of its segments in part (k_springs_wide's). out receives the new
// position, vel is updated in place; rep holds the repulsion without the
// RepelK factor. It returns 0.5*|v|^2.
FC_HD double fc_integrate(const fc_params &p, const fc_graph &g, int i,
                          fc_soa pos, const float4 *near, const float4 *part, fc_soa out, fc_soa vel,
                          fc_soa rep, float alpha) {
	const bool d3 = p.dims == 3;
	float xi = pos.x[i], yi = pos.y[i], zi = d3 ? pos.z[i] : 0.0f;
	int pin = g.pin_of[i];
	if (pin >= 0) {
		out.x[i] = g.pin_pos[3 * pin];
		out.y[i] = g.pin_pos[3 * pin + 1];
		vel.x[i] = 0.0f;
		vel.y[i] = 0.0f;
		if (d3) {
			out.z[i] = g.pin_pos[3 * pin + 2];
			vel.z[i] = 0.0f;
		}
		return 0.0;
	}

	float sx = 0.0f, sy = 0.0f, sz = 0.0f;
	const int w = g.wide_of[i];
	if (w < 0) {
		fc_springs(p, g, g.row_ptr[i], g.row_ptr[i + 1], 1, near, make_float4(xi, yi, zi, 0.0f), sx, sy, sz);
	} else {
		const int end = w + fc_segments(g.row_ptr[i + 1] - g.row_ptr[i]);
		for (int s = w; s < end; s++) {
			sx += part[s].x;
			sy += part[s].y;
			sz += part[s].z;
		}
	}
	float f[3];
	f[0] = p.repel_k * rep.x[i] + p.spring_k * sx - p.center_gravity_k * xi;
	f[1] = p.repel_k * rep.y[i] + p.spring_k * sy - p.center_gravity_k * yi;
	f[2] = d3 ? p.repel_k * rep.z[i] + p.spring_k * sz - p.center_gravity_k * zi : 0.0f;
	for (int k = g.con_row[i]; k < g.con_row[i + 1]; k++) {
		const float4 q = near[g.con_col[k]];
		float ks = g.con_k[k] == 0.0f ? p.spring_k : g.con_k[k];
		float dz = d3 ? q.z - zi : 0.0f;
		fc_spring(ks, g.con_len[k], q.x - xi, q.y - yi, dz, f[0], f[1], f[2]);
	}

	const int dims = d3 ? 3 : 2;
	const double max_f2 = (double)p.max_force * (double)p.max_force;
	const double max_v2 = (double)p.max_velocity * (double)p.max_velocity;
	double f2 = 0.0;
	for (int c = 0; c < dims; c++) {
		f2 += (double)f[c] * (double)f[c];
	}
	float fs = alpha;
	if (f2 > max_f2) {
		fs = f2 <= 1.7976931348623157e308 ? fs * (float)((double)p.max_force / sqrt(f2)) : 0.0f;
	} else if (!(f2 <= max_f2)) {
		fs = 0.0f; // NaN
	}
	float *vp[3] = {vel.x, vel.y, vel.z};
	float v[3] = {0.0f, 0.0f, 0.0f};
	double v2 = 0.0;
	for (int c = 0; c < dims; c++) {
		float fc = fs == 0.0f ? 0.0f : f[c];
		v[c] = (vp[c][i] + fc * fs * p.dt) * p.damping;
		v2 += (double)v[c] * (double)v[c];
	}
	if (v2 > max_v2) {
		float s = (float)((double)p.max_velocity / sqrt(v2));
		v2 = 0.0;
		for (int c = 0; c < dims; c++) {
			v[c] *= s;
			v2 += (double)v[c] * (double)v[c];
		}
	}
	float *op[3] = {out.x, out.y, out.z};
	float x[3] = {xi, yi, zi};
	for (int c = 0; c < dims; c++) {
		vp[c][i] = v[c];
		op[c][i] = x[c] + v[c] * p.dt;
	}
	return 0.5 * v2;
}

// fc_pin moves node i to its pin, if any, and stops it.
FC_HD void fc_pin(int dims, const fc_graph &g, int i, fc_soa pos, fc_soa vel) {
	int pin = g.pin_of[i];
	if (pin < 0) {
		return;
	}
	pos.x[i] = g.pin_pos[3 * pin];
	pos.y[i] = g.pin_pos[3 * pin + 1];
	vel.x[i] = 0.0f;
	vel.y[i] = 0.0f;
	if (dims == 3) {
		pos.z[i] = g.pin_pos[3 * pin + 2];
		vel.z[i] = 0.0f;
	}
}

#endif
