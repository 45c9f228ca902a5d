// Barnes-Hut on a linear tree: nodes sorted by Morton code (16 bits per
// dimension inside the bounding cube), a binary radix tree over the sorted
// keys (Karras 2012), centres of mass filled bottom-up, and one walk per
// group of FC_GROUP consecutive sorted nodes. An inner tree node covering
// keys with a common prefix of l bits lies in the octree (quadtree) cell of
// level floor(l/dims); that cell's side is the s of kernel.Params' criterion.
// The walk is Burtscher and Pingali's (2011): each node applies the
// criterion itself (accept the cell as one body when D^2 > (s/Theta)^2, D
// the distance from the node to the cell's centre of mass), and the group
// accepts a cell only when every member does (on the GPU a warp vote,
// __all_sync), else the whole group opens it. Every node thus meets the
// spec's criterion, made stricter, and every lane of a warp takes the same
// path and reads the same cells, so the walk neither diverges nor multiplies
// memory traffic. The host emulation walks the same group with the same
// predicate, lane by lane (fc_walk with L = FC_GROUP). Shared by the device
// kernels and the host emulation.
#ifndef FC_TREE_CUH
#define FC_TREE_CUH

#include "physics.cuh"

#ifdef __CUDACC__
#include <cuda/atomic>
#endif

#define FC_KEY_BITS 16 // Morton bits per dimension
#define FC_GROUP 32    // sorted nodes per walk: one warp
// FC_MAX_DEPTH bounds every root-to-leaf path. Along a path the common
// prefix (fc_delta, at most 3*16 key bits + 31 index bits) grows strictly,
// so a well-formed tree is at most 80 inner nodes deep; a longer climb or a
// fuller walk stack means a malformed tree, reported through fc_tree.err.
#define FC_MAX_DEPTH 96
#define FC_STACK FC_MAX_DEPTH

// Bits of fc_tree.err (the error word of a tick).
#define FC_ERR_CLIMB 1 // a bottom-up climb left the tree or exceeded FC_MAX_DEPTH
#define FC_ERR_WALK 2  // a walk overflowed its stack or visited more cells than exist
#define FC_ERR_ROOT 4  // the root's mass is not n: some subtree was never completed

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
	int *err;         // FC_ERR_* bits, 0 while the tree is well formed
	int *visits;      // per walk group, cells visited (NULL: not recorded)
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
	t.node[i].com = make_float4(0.0f, 0.0f, 0.0f, 0.0f); // filled by fc_bottom_up
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

// fc_arrive counts an arrival at an inner node and returns the earlier
// count. On the device it is an acq_rel read-modify-write at device scope:
// the release publishes the centre of mass the arriving thread wrote below
// (or the body k_gather wrote), and the acquire lets the second arrival read
// its sibling's, under the PTX memory model (no fence, no L1 bypass needed).
FC_HD int fc_arrive(int *flag) {
#ifdef __CUDA_ARCH__
	cuda::atomic_ref<int, cuda::thread_scope_device> a(*flag);
	return a.fetch_add(1, cuda::memory_order_acq_rel);
#else
	return (*flag)++;
#endif
}

// fc_flag sets error bits in *err.
FC_HD void fc_flag(int *err, int bits) {
#ifdef __CUDA_ARCH__
	atomicOr(err, bits);
#else
	*err |= bits;
#endif
}

FC_HD float4 fc_child_com(const fc_tree &t, int c) {
	if (c < 0) {
		float4 b = t.body[~c];
		return make_float4(b.x, b.y, b.z, 1.0f);
	}
	return t.node[c].com;
}

// fc_bottom_up walks from sorted leaf s towards the root; the second child
// to arrive at an inner node computes its centre of mass and goes on. The
// climb is bounded: leaving the inner nodes or climbing past FC_MAX_DEPTH
// (a parent chain that loops, as a tree over wrongly sorted keys has) sets
// FC_ERR_CLIMB and stops instead of spinning.
FC_HD void fc_bottom_up(const fc_tree &t, int s) {
	int node = t.leaf_parent[s];
	for (int depth = 0; node >= 0; depth++) {
		if (depth >= FC_MAX_DEPTH || node > t.n - 2) {
			fc_flag(t.err, FC_ERR_CLIMB);
			return;
		}
		if (fc_arrive(&t.arrived[node]) == 0) {
			return;
		}
		float4 a = fc_child_com(t, t.node[node].left);
		float4 b = fc_child_com(t, t.node[node].right);
		float m = a.w + b.w;
		float4 c = make_float4(fc_add(fc_mul(a.x, a.w), fc_mul(b.x, b.w)) / m,
		                       fc_add(fc_mul(a.y, a.w), fc_mul(b.y, b.w)) / m,
		                       fc_add(fc_mul(a.z, a.w), fc_mul(b.z, b.w)) / m, m);
		t.node[node].com = c;
		node = t.parent[node];
	}
}

// fc_far is the per-node criterion: cell nd may stand for its nodes as one
// body, seen from me (D^2 > (s/Theta)^2).
FC_HD bool fc_far(const fc_node &nd, float4 me) {
	float dx = me.x - nd.com.x, dy = me.y - nd.com.y, dz = me.z - nd.com.z;
	return fc_add(fc_add(fc_mul(dx, dx), fc_mul(dy, dy)), fc_mul(dz, dz)) > nd.open2;
}

// fc_vote_all is true when pred holds for the whole group. On the device a
// group is a warp and each lane holds one node (L == 1): the warp votes, so
// every lane must call it (no early return; tail lanes are clamped). On the
// host one call holds all the group's nodes (L == FC_GROUP) and has already
// combined them.
FC_HD bool fc_vote_all(bool pred) {
#ifdef __CUDA_ARCH__
	return __all_sync(0xffffffffu, pred);
#else
	return pred;
#endif
}

// fc_walk sums the repulsion (without RepelK) on the L nodes me[l], sorted
// leaves self[l], of one walk group into f[l]. A cell is taken as one body
// only when every node of the group finds it far (fc_far, voted by the
// warp); otherwise the group opens it. It returns the number of cells
// visited; a stack overflow or more visits than there are inner nodes (a
// malformed tree) sets FC_ERR_WALK and ends the walk.
template <int L>
FC_HD int fc_walk(const fc_tree &t, int dims, float eps2, const float4 (&me)[L], const int (&self)[L],
                  float (&f)[L][3]) {
	for (int l = 0; l < L; l++) {
		f[l][0] = f[l][1] = f[l][2] = 0.0f;
	}
	if (t.n < 2) {
		return 0;
	}
	// Once per tick, the walk of sorted node 0 checks the root's mass (a
	// float count, exact up to 2^24 nodes).
	if (self[0] == 0 && t.n <= (1 << 24) && t.node[0].com.w != (float)t.n) {
		fc_flag(t.err, FC_ERR_ROOT);
	}
	int stack[FC_STACK];
	int sp = 0, visits = 0;
	stack[sp++] = 0;
	while (sp > 0) {
		if (++visits > t.n - 1) {
			fc_flag(t.err, FC_ERR_WALK);
			break;
		}
		const fc_node nd = t.node[stack[--sp]]; // complete since k_bottom_up ended
		bool far = true;
		for (int l = 0; l < L; l++) {
			far = far && fc_far(nd, me[l]);
		}
		if (fc_vote_all(far)) {
			for (int l = 0; l < L; l++) {
				fc_repel(dims, eps2, me[l].x - nd.com.x, me[l].y - nd.com.y, me[l].z - nd.com.z, nd.com.w,
				         f[l][0], f[l][1], f[l][2]);
			}
			continue;
		}
		int kids[2] = {nd.left, nd.right};
		for (int k = 0; k < 2; k++) {
			int ch = kids[k];
			if (ch < 0) {
				float4 b = t.body[~ch];
				for (int l = 0; l < L; l++) {
					if (~ch != self[l]) {
						fc_repel(dims, eps2, me[l].x - b.x, me[l].y - b.y, me[l].z - b.z, 1.0f,
						         f[l][0], f[l][1], f[l][2]);
					}
				}
			} else if (sp < FC_STACK) {
				stack[sp++] = ch;
			} else {
				fc_flag(t.err, FC_ERR_WALK);
				sp = 0;
				break;
			}
		}
	}
	return visits;
}

#endif
