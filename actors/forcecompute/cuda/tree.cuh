// Barnes-Hut on a linear tree: nodes sorted by Morton code (16 bits per
// dimension inside the bounding cube), a binary radix tree over the sorted
// keys (Karras 2012), centres of mass filled bottom-up, and one walk per
// group of FC_GROUP consecutive sorted nodes. An inner tree node covering
// keys with a common prefix of l bits lies in the octree (quadtree) cell of
// level floor(l/dims); that cell's side is the s of kernel.Params' criterion.
// The group takes the cell as one body when s < Theta * D for D the distance
// from the cell's centre of mass to the group's bounding box, computed as the
// CPU kernel does (D^2 > (s/Theta)^2). That D is at most each member's own
// distance, so the test is the spec's, made stricter; the CPU kernel's
// walk groups do the same. On the GPU a group is a warp: every lane takes the
// same path and reads the same cells, so the walk neither diverges nor
// multiplies memory traffic. Shared by the device kernels and the host
// emulation.
#ifndef FC_TREE_CUH
#define FC_TREE_CUH

#include "physics.cuh"

#define FC_KEY_BITS 16 // Morton bits per dimension
#define FC_STACK 96    // walk stack; deeper trees fall back to accepting
#define FC_GROUP 32    // sorted nodes per walk: one warp

// fc_box is the bounding cube: lower corner, side (1 if all nodes
// coincide) and 2^16 / side.
struct fc_box {
	float lo[3];
	float side;
	float scale;
};

// fc_node is an inner node of the radix tree: what the walk reads, in one
// 32-byte sector. A child c >= 0 is inner node c, c < 0 is sorted leaf ~c.
struct __align__(16) fc_node {
	float4 com;  // centre of mass (xyz) and node count (w)
	int left, right;
	float open2; // (cell side / Theta)^2: accept when D^2 > open2
	int pad;
};

// fc_tree is the device (or host) view of the radix tree. Inner nodes are
// 0..n-2; 0 is the root.
struct fc_tree {
	int n;
	const uint64_t *key; // sorted
	const float4 *body;  // sorted positions, w unused
	fc_node *node;
	int *parent;      // of inner nodes, -1 for the root
	int *leaf_parent; // of sorted leaves
	int *arrived;     // per inner node, children done (reset every tick)
};

FC_HD int fc_clz64(uint64_t v) {
#ifdef __CUDA_ARCH__
	return __clzll((long long)v);
#else
	return v ? __builtin_clzll(v) : 64;
#endif
}

FC_HD int fc_clz32(uint32_t v) {
#ifdef __CUDA_ARCH__
	return __clz((int)v);
#else
	return v ? __builtin_clz(v) : 32;
#endif
}

FC_HD uint64_t fc_spread2(uint64_t v) {
	v &= 0xffff;
	v = (v | v << 8) & 0x00ff00ffull;
	v = (v | v << 4) & 0x0f0f0f0full;
	v = (v | v << 2) & 0x33333333ull;
	v = (v | v << 1) & 0x55555555ull;
	return v;
}

FC_HD uint64_t fc_spread3(uint64_t v) {
	v &= 0xffff;
	v = (v | v << 16) & 0x0000ff0000ffull;
	v = (v | v << 8) & 0x00f00f00f00full;
	v = (v | v << 4) & 0x0c30c30c30c3ull;
	v = (v | v << 2) & 0x249249249249ull;
	return v;
}

FC_HD uint64_t fc_quant(float x, float lo, float scale) {
	float q = (x - lo) * scale;
	if (!(q > 0.0f)) {
		return 0;
	}
	if (q >= 65535.0f) {
		return 65535;
	}
	return (uint64_t)q;
}

FC_HD uint64_t fc_morton(int dims, const fc_box &b, float x, float y, float z) {
	uint64_t qx = fc_quant(x, b.lo[0], b.scale), qy = fc_quant(y, b.lo[1], b.scale);
	if (dims == 2) {
		return fc_spread2(qx) << 1 | fc_spread2(qy);
	}
	uint64_t qz = fc_quant(z, b.lo[2], b.scale);
	return fc_spread3(qx) << 2 | fc_spread3(qy) << 1 | fc_spread3(qz);
}

// fc_make_box turns min/max per dimension into the bounding cube.
FC_HD fc_box fc_make_box(int dims, const float *mn, const float *mx) {
	fc_box b;
	float side = 0.0f;
	for (int c = 0; c < 3; c++) {
		b.lo[c] = c < dims ? mn[c] : 0.0f;
		float e = c < dims ? mx[c] - mn[c] : 0.0f;
		side = e > side ? e : side;
	}
	if (!(side > 0.0f)) {
		side = 1.0f;
	}
	b.side = side;
	b.scale = 65536.0f / side;
	return b;
}

// fc_delta is the length of the common prefix of sorted keys i and j, with
// the index breaking ties so that every key is distinct; -1 outside [0, n).
FC_HD int fc_delta(const uint64_t *key, int n, int bits, int i, int j) {
	if (j < 0 || j >= n) {
		return -1;
	}
	uint64_t a = key[i], b = key[j];
	if (a != b) {
		return fc_clz64(a ^ b) - (64 - bits);
	}
	return bits + fc_clz32((uint32_t)i ^ (uint32_t)j);
}

// fc_build_node finds the key range and split of inner node i and links it
// to its children.
FC_HD void fc_build_node(const fc_tree &t, int dims, float root_side, float theta, int i) {
	const int n = t.n, bits = dims * FC_KEY_BITS;
	int d = fc_delta(t.key, n, bits, i, i + 1) - fc_delta(t.key, n, bits, i, i - 1) >= 0 ? 1 : -1;
	int dmin = fc_delta(t.key, n, bits, i, i - d);
	int lmax = 2;
	while (fc_delta(t.key, n, bits, i, i + lmax * d) > dmin) {
		lmax *= 2;
	}
	int l = 0;
	for (int s = lmax / 2; s >= 1; s /= 2) {
		if (fc_delta(t.key, n, bits, i, i + (l + s) * d) > dmin) {
			l += s;
		}
	}
	int j = i + l * d;
	int dnode = fc_delta(t.key, n, bits, i, j);
	int s = 0;
	for (int step = l;;) {
		step = (step + 1) >> 1;
		if (fc_delta(t.key, n, bits, i, i + (s + step) * d) > dnode) {
			s += step;
		}
		if (step <= 1) {
			break;
		}
	}
	int gamma = i + s * d + (d < 0 ? -1 : 0);
	int lo = i < j ? i : j, hi = i < j ? j : i;
	int lc = lo == gamma ? ~gamma : gamma;
	int rc = hi == gamma + 1 ? ~(gamma + 1) : gamma + 1;
	t.node[i].left = lc;
	t.node[i].right = rc;
	if (lc < 0) {
		t.leaf_parent[~lc] = i;
	} else {
		t.parent[lc] = i;
	}
	if (rc < 0) {
		t.leaf_parent[~rc] = i;
	} else {
		t.parent[rc] = i;
	}
	int level = (dnode < bits ? dnode : bits) / dims;
	float s_l = root_side / (float)(1u << level) / theta;
	t.node[i].open2 = s_l * s_l;
	if (i == 0) {
		t.parent[0] = -1;
	}
}

FC_HD int fc_arrive(int *flag) {
#ifdef __CUDA_ARCH__
	return atomicAdd(flag, 1);
#else
	return (*flag)++;
#endif
}

FC_HD float4 fc_load_com(const float4 *p) {
#ifdef __CUDA_ARCH__
	return __ldcg(p); // written by another thread: read through L2
#else
	return *p;
#endif
}

FC_HD float4 fc_child_com(const fc_tree &t, int c) {
	if (c < 0) {
		float4 b = t.body[~c];
		return make_float4(b.x, b.y, b.z, 1.0f);
	}
	return fc_load_com(&t.node[c].com);
}

// fc_bottom_up walks from sorted leaf s towards the root; the second child
// to arrive at an inner node computes its centre of mass and goes on.
FC_HD void fc_bottom_up(const fc_tree &t, int s) {
	int node = t.leaf_parent[s];
	while (node >= 0) {
		if (fc_arrive(&t.arrived[node]) == 0) {
			return;
		}
		float4 a = fc_child_com(t, t.node[node].left);
		float4 b = fc_child_com(t, t.node[node].right);
		float m = a.w + b.w;
		float4 c = make_float4((a.x * a.w + b.x * b.w) / m, (a.y * a.w + b.y * b.w) / m,
		                       (a.z * a.w + b.z * b.w) / m, m);
		t.node[node].com = c;
#ifdef __CUDA_ARCH__
		__threadfence();
#endif
		node = t.parent[node];
	}
}

// fc_group_box is the bounding box of group s / FC_GROUP.
FC_HD void fc_group_box(const fc_tree &t, int s, float lo[3], float hi[3]) {
	int first = s - s % FC_GROUP, last = first + FC_GROUP < t.n ? first + FC_GROUP : t.n;
	float4 b = t.body[first];
	lo[0] = hi[0] = b.x;
	lo[1] = hi[1] = b.y;
	lo[2] = hi[2] = b.z;
	for (int k = first + 1; k < last; k++) {
		b = t.body[k];
		lo[0] = fminf(lo[0], b.x);
		hi[0] = fmaxf(hi[0], b.x);
		lo[1] = fminf(lo[1], b.y);
		hi[1] = fmaxf(hi[1], b.y);
		lo[2] = fminf(lo[2], b.z);
		hi[2] = fmaxf(hi[2], b.z);
	}
}

// fc_gap is the distance from x to the interval [lo, hi] (0 inside).
FC_HD float fc_gap(float x, float lo, float hi) {
	return x < lo ? lo - x : (x > hi ? x - hi : 0.0f);
}

// fc_walk sums the repulsion on sorted leaf s (without RepelK), opening
// cells by the distance to s's group (see the top of this file).
FC_HD void fc_walk(const fc_tree &t, int dims, float eps2, int s,
                   float &fx, float &fy, float &fz) {
	fx = fy = fz = 0.0f;
	if (t.n < 2) {
		return;
	}
	float lo[3], hi[3];
	fc_group_box(t, s, lo, hi);
	const float4 me = t.body[s];
	int stack[FC_STACK];
	int sp = 0;
	stack[sp++] = 0;
	while (sp > 0) {
		const fc_node nd = t.node[stack[--sp]]; // complete since k_bottom_up ended
		float gx = fc_gap(nd.com.x, lo[0], hi[0]), gy = fc_gap(nd.com.y, lo[1], hi[1]),
		      gz = fc_gap(nd.com.z, lo[2], hi[2]);
		if (gx * gx + gy * gy + gz * gz > nd.open2) {
			fc_repel(dims, eps2, me.x - nd.com.x, me.y - nd.com.y, me.z - nd.com.z, nd.com.w, fx, fy, fz);
			continue;
		}
		int kids[2] = {nd.left, nd.right};
		for (int k = 0; k < 2; k++) {
			int ch = kids[k];
			if (ch < 0) {
				if (~ch != s) {
					float4 b = t.body[~ch];
					fc_repel(dims, eps2, me.x - b.x, me.y - b.y, me.z - b.z, 1.0f, fx, fy, fz);
				}
			} else if (sp < FC_STACK) {
				stack[sp++] = ch;
			} else {
				float4 r = t.node[ch].com;
				fc_repel(dims, eps2, me.x - r.x, me.y - r.y, me.z - r.z, r.w, fx, fy, fz);
			}
		}
	}
}

#endif
