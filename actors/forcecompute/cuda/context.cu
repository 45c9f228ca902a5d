// The C API of forcecompute.h: contexts, device memory, streams and the
// double-buffered asynchronous copy of positions back to the host.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

int fc_device_count(int *count) {
	*count = 0;
	return (int)cudaGetDeviceCount(count);
}

int fc_device_name(char *buf, int len) {
	cudaDeviceProp prop;
	cudaError_t e = cudaGetDeviceProperties(&prop, 0);
	if (e != cudaSuccess) {
		return (int)e;
	}
	snprintf(buf, (size_t)len, "%s (sm_%d%d, %.1f GiB)", prop.name, prop.major, prop.minor,
	         (double)prop.totalGlobalMem / (1024.0 * 1024.0 * 1024.0));
	return 0;
}

const char *fc_error_string(int code) {
	return cudaGetErrorString((cudaError_t)code);
}

int fc_error_is_sticky(int code) {
	switch ((cudaError_t)code) {
	case cudaErrorECCUncorrectable:
	case cudaErrorNvlinkUncorrectable:
	case cudaErrorIllegalAddress:
	case cudaErrorLaunchTimeout:
	case cudaErrorAssert:
	case cudaErrorHardwareStackError:
	case cudaErrorIllegalInstruction:
	case cudaErrorMisalignedAddress:
	case cudaErrorInvalidAddressSpace:
	case cudaErrorInvalidPc:
	case cudaErrorLaunchFailure:
		return 1;
	default:
		return 0;
	}
}

void fc_fail(fc_ctx *c, const char *call, cudaError_t e) {
	snprintf(c->err, sizeof c->err, "%s: %s%s", call, cudaGetErrorString(e),
	         fc_error_is_sticky((int)e) ? FC_STICKY_NOTE : "");
}

const char *fc_last_error(const fc_ctx *c) {
	return c->err;
}

int fc_create(fc_ctx **out) {
	*out = NULL;
	fc_ctx *c = (fc_ctx *)calloc(1, sizeof(fc_ctx));
	if (c == NULL) {
		return (int)cudaErrorMemoryAllocation;
	}
	c->latest = -1;
	*out = c;
	CK(cudaSetDevice(0));
	CK(cudaStreamCreateWithFlags(&c->compute, cudaStreamNonBlocking));
	CK(cudaStreamCreateWithFlags(&c->copy, cudaStreamNonBlocking));
	for (int b = 0; b < 2; b++) {
		CK(cudaEventCreateWithFlags(&c->ready[b], cudaEventDisableTiming));
		CK(cudaEventCreateWithFlags(&c->copied[b], cudaEventDisableTiming));
	}
	CK(cudaMallocHost((void **)&c->ke_host, sizeof(double)));
	CK(cudaMallocHost((void **)&c->err_host, sizeof(int)));
	CK(cudaMalloc((void **)&c->d.ke, sizeof(double)));
	CK(cudaMalloc((void **)&c->d.err, sizeof(int)));
	CK(cudaMalloc((void **)&c->d.box, sizeof(fc_box)));
	CK(cudaMalloc((void **)&c->d.ticket, sizeof(unsigned)));
	CK(cudaMemset(c->d.ticket, 0, sizeof(unsigned)));
	CK(cudaMalloc((void **)&c->d.bounds, 6 * FC_BOUNDS_BLOCKS * sizeof(float)));
	return 0;
}

// fc_note records the first failure of a teardown call and goes on.
static void fc_note(fc_ctx *c, int *rc, cudaError_t e, const char *call) {
	if (e != cudaSuccess && *rc == 0) {
		*rc = (int)e;
		fc_fail(c, call, e);
	}
}

// fc_free_graph frees the per-graph allocations, all of them even after a
// failure, and returns the first failure; it is safe on NULLs.
static int fc_free_graph(fc_ctx *c) {
	fc_dev *d = &c->d;
	int rc = 0;
	void *dev[] = {d->pos[0], d->pos[1], d->vel, d->rep, d->near, d->row_ptr, d->col, d->weight,
	               d->pin_of, d->pin_pos, d->con_row, d->con_col, d->con_len, d->con_k,
	               d->wide_of, d->seg_node, d->part,
	               d->key[0], d->key[1], d->idx[0], d->idx[1], d->body, d->node,
	               d->parent, d->leaf_parent, d->arrived, d->visits, d->sort_tmp,
	               c->snap[0], c->snap[1]};
	for (size_t i = 0; i < sizeof dev / sizeof dev[0]; i++) {
		fc_note(c, &rc, cudaFree(dev[i]), "cudaFree");
	}
	fc_note(c, &rc, cudaFreeHost(c->host[0]), "cudaFreeHost");
	fc_note(c, &rc, cudaFreeHost(c->host[1]), "cudaFreeHost");
	double *ke = d->ke;
	int *err = d->err;
	fc_box *box = d->box;
	unsigned *ticket = d->ticket;
	float *bounds = d->bounds;
	fc_params p = d->p;
	memset(d, 0, sizeof *d);
	d->ticket = ticket;
	d->ke = ke;
	d->err = err;
	d->box = box;
	d->bounds = bounds;
	d->p = p;
	c->snap[0] = c->snap[1] = c->host[0] = c->host[1] = NULL;
	c->snap_floats = 0;
	c->latest = -1;
	return rc;
}

int fc_release(fc_ctx *c) {
	int rc = 0;
	if (c->compute) {
		fc_note(c, &rc, cudaStreamSynchronize(c->compute), "cudaStreamSynchronize(compute)");
	}
	if (c->copy) {
		fc_note(c, &rc, cudaStreamSynchronize(c->copy), "cudaStreamSynchronize(copy)");
	}
	int g = fc_free_graph(c);
	if (rc == 0) {
		rc = g;
	}
	fc_note(c, &rc, cudaFree(c->d.ke), "cudaFree(ke)");
	fc_note(c, &rc, cudaFree(c->d.err), "cudaFree(err)");
	fc_note(c, &rc, cudaFreeHost(c->err_host), "cudaFreeHost(err)");
	fc_note(c, &rc, cudaFree(c->d.box), "cudaFree(box)");
	fc_note(c, &rc, cudaFree(c->d.ticket), "cudaFree(ticket)");
	fc_note(c, &rc, cudaFree(c->d.bounds), "cudaFree(bounds)");
	fc_note(c, &rc, cudaFreeHost(c->ke_host), "cudaFreeHost(ke)");
	c->d.ke = NULL;
	c->d.err = NULL;
	c->err_host = NULL;
	c->d.box = NULL;
	c->d.ticket = NULL;
	c->d.bounds = NULL;
	c->ke_host = NULL;
	for (int k = 0; k <= FC_PHASES; k++) {
		if (c->phase[k]) {
			fc_note(c, &rc, cudaEventDestroy(c->phase[k]), "cudaEventDestroy");
			c->phase[k] = NULL;
		}
	}
	for (int b = 0; b < 2; b++) {
		if (c->ready[b]) {
			fc_note(c, &rc, cudaEventDestroy(c->ready[b]), "cudaEventDestroy");
			c->ready[b] = NULL;
		}
		if (c->copied[b]) {
			fc_note(c, &rc, cudaEventDestroy(c->copied[b]), "cudaEventDestroy");
			c->copied[b] = NULL;
		}
	}
	if (c->compute) {
		fc_note(c, &rc, cudaStreamDestroy(c->compute), "cudaStreamDestroy(compute)");
		c->compute = NULL;
	}
	if (c->copy) {
		fc_note(c, &rc, cudaStreamDestroy(c->copy), "cudaStreamDestroy(copy)");
		c->copy = NULL;
	}
	return rc;
}

void fc_free(fc_ctx *c) {
	free(c);
}

int fc_set_params(fc_ctx *c, const fc_params *p) {
	c->d.p = *p;
	return 0;
}

// fc_alloc_copy allocates bytes on the device and copies src (if any) there.
static cudaError_t fc_alloc_copy(void **dst, const void *src, size_t bytes, cudaStream_t s) {
	cudaError_t e = cudaMalloc(dst, bytes > 0 ? bytes : 1);
	if (e != cudaSuccess || src == NULL || bytes == 0) {
		return e;
	}
	return cudaMemcpyAsync(*dst, src, bytes, cudaMemcpyHostToDevice, s);
}

// fc_upload_plan plans the wide nodes' segments of row_ptr on the host
// (fc_plan_wide) and copies the plan to d; it waits for the copies.
static cudaError_t fc_upload_plan(fc_dev *d, const int *row_ptr, cudaStream_t s) {
	const int n = d->n;
	d->nseg = fc_plan_wide(n, row_ptr, NULL, NULL);
	int *wide_of = (int *)malloc((size_t)(n > 0 ? n : 1) * sizeof(int));
	int *seg_node = (int *)malloc((size_t)(d->nseg > 0 ? d->nseg : 1) * sizeof(int));
	cudaError_t e = cudaErrorMemoryAllocation;
	if (wide_of != NULL && seg_node != NULL) {
		fc_plan_wide(n, row_ptr, wide_of, seg_node);
		e = fc_alloc_copy((void **)&d->wide_of, wide_of, (size_t)n * sizeof(int), s);
		if (e == cudaSuccess) {
			e = fc_alloc_copy((void **)&d->seg_node, seg_node, (size_t)d->nseg * sizeof(int), s);
		}
		if (e == cudaSuccess) {
			e = fc_alloc_copy((void **)&d->part, NULL, (size_t)d->nseg * sizeof(float4), s);
		}
		if (e == cudaSuccess) {
			e = cudaStreamSynchronize(s); // before the host copies are freed
		}
	}
	free(wide_of);
	free(seg_node);
	return e;
}

int fc_upload(fc_ctx *c, int n, int dims, const float *pos, const float *vel,
              const int *row_ptr, const int *col, const float *weight) {
	CK(cudaStreamSynchronize(c->compute));
	CK(cudaStreamSynchronize(c->copy));
	int freed = fc_free_graph(c);
	if (freed != 0) {
		return freed;
	}
	fc_dev *d = &c->d;
	d->n = n;
	d->dims = dims;
	d->nnz = row_ptr[n];
	const size_t fl = (size_t)dims * (size_t)n * sizeof(float);
	const size_t ni = (size_t)n * sizeof(int);
	cudaStream_t s = c->compute;
	CK(fc_alloc_copy((void **)&d->pos[0], pos, fl, s));
	CK(fc_alloc_copy((void **)&d->pos[1], NULL, fl, s));
	CK(fc_alloc_copy((void **)&d->vel, vel, fl, s));
	CK(fc_alloc_copy((void **)&d->rep, NULL, fl, s));
	CK(fc_alloc_copy((void **)&d->near, NULL, (size_t)n * sizeof(float4), s));
	CK(fc_alloc_copy((void **)&d->row_ptr, row_ptr, ni + sizeof(int), s));
	CK(fc_alloc_copy((void **)&d->col, col, (size_t)d->nnz * sizeof(int), s));
	CK(fc_alloc_copy((void **)&d->weight, weight, (size_t)d->nnz * sizeof(float), s));
	CK(fc_upload_plan(d, row_ptr, s));
	CK(fc_alloc_copy((void **)&d->pin_of, NULL, ni, s));
	CK(cudaMemsetAsync(d->pin_of, 0xff, ni, s)); // -1: no pin
	CK(fc_alloc_copy((void **)&d->pin_pos, NULL, 3 * sizeof(float), s));
	CK(fc_alloc_copy((void **)&d->con_row, NULL, ni + sizeof(int), s));
	CK(cudaMemsetAsync(d->con_row, 0, ni + sizeof(int), s));
	CK(fc_alloc_copy((void **)&d->con_col, NULL, sizeof(int), s));
	CK(fc_alloc_copy((void **)&d->con_len, NULL, sizeof(float), s));
	CK(fc_alloc_copy((void **)&d->con_k, NULL, sizeof(float), s));
	for (int b = 0; b < 2; b++) {
		CK(fc_alloc_copy((void **)&d->key[b], NULL, (size_t)n * sizeof(uint64_t), s));
		CK(fc_alloc_copy((void **)&d->idx[b], NULL, ni, s));
	}
	CK(fc_alloc_copy((void **)&d->body, NULL, (size_t)n * sizeof(float4), s));
	const size_t inner = (size_t)(n > 1 ? n - 1 : 1);
	CK(fc_alloc_copy((void **)&d->node, NULL, inner * sizeof(fc_node), s));
	CK(fc_alloc_copy((void **)&d->parent, NULL, inner * sizeof(int), s));
	CK(fc_alloc_copy((void **)&d->arrived, NULL, inner * sizeof(int), s));
	CK(fc_alloc_copy((void **)&d->leaf_parent, NULL, ni, s));
	CK(fc_alloc_copy((void **)&d->visits, NULL, (size_t)(n / FC_GROUP + 1) * sizeof(int), s));
	CK(fc_sort_bytes(n, &d->sort_tmp_bytes));
	CK(fc_alloc_copy(&d->sort_tmp, NULL, d->sort_tmp_bytes, s));
	c->snap_floats = (size_t)dims * (size_t)n;
	for (int b = 0; b < 2; b++) {
		CK(fc_alloc_copy((void **)&c->snap[b], NULL, fl, s));
		CK(cudaMallocHost((void **)&c->host[b], fl > 0 ? fl : 1));
		CK(cudaEventRecord(c->copied[b], c->copy));
	}
	c->next = 0;
	CK(cudaStreamSynchronize(s));
	return 0;
}

int fc_set_constraints(fc_ctx *c, const fc_constraints *k) {
	fc_dev *d = &c->d;
	cudaStream_t s = c->compute;
	const int n = d->n;
	const int ncon = k->con_row[n];
	CK(cudaStreamSynchronize(s));
	// Allocate and fill the new arrays first; only when all of them are on
	// the device do they replace the old ones, so a failure leaves the old
	// constraints in place instead of NULLs for the next tick.
	enum { PIN_OF, PIN_POS, CON_ROW, CON_COL, CON_LEN, CON_K, NARR };
	void *nw[NARR] = {NULL, NULL, NULL, NULL, NULL, NULL};
	const void *src[NARR] = {k->pin_of, k->pin_pos, k->con_row, k->con_col, k->con_len, k->con_k};
	const size_t bytes[NARR] = {(size_t)n * sizeof(int), 3 * (size_t)k->npins * sizeof(float),
	                            (size_t)(n + 1) * sizeof(int), (size_t)ncon * sizeof(int),
	                            (size_t)ncon * sizeof(float), (size_t)ncon * sizeof(float)};
	cudaError_t e = cudaSuccess;
	for (int a = 0; a < NARR && e == cudaSuccess; a++) {
		e = fc_alloc_copy(&nw[a], src[a], bytes[a], s);
	}
	if (e == cudaSuccess) {
		e = cudaStreamSynchronize(s);
	}
	if (e != cudaSuccess) {
		fc_fail(c, "fc_set_constraints: cudaMalloc/cudaMemcpyAsync", e);
		for (int a = 0; a < NARR; a++) {
			cudaFree(nw[a]);
		}
		return (int)e;
	}
	void *old[NARR] = {d->pin_of, d->pin_pos, d->con_row, d->con_col, d->con_len, d->con_k};
	d->pin_of = (int *)nw[PIN_OF];
	d->pin_pos = (float *)nw[PIN_POS];
	d->con_row = (int *)nw[CON_ROW];
	d->con_col = (int *)nw[CON_COL];
	d->con_len = (float *)nw[CON_LEN];
	d->con_k = (float *)nw[CON_K];
	d->npins = k->npins;
	d->ncon = ncon;
	int rc = 0;
	for (int a = 0; a < NARR; a++) {
		fc_note(c, &rc, cudaFree(old[a]), "cudaFree(old constraints)");
	}
	if (rc != 0) {
		return rc;
	}
	CK(fc_apply_pins(d, s));
	CK(cudaStreamSynchronize(s));
	return 0;
}

int fc_step(fc_ctx *c, const float *alpha, int ticks, double *ke) {
	CK(cudaMemsetAsync(c->d.err, 0, sizeof(int), c->compute));
	for (int t = 0; t < ticks; t++) {
		const char *what = "";
		cudaError_t e = fc_tick(&c->d, alpha[t], t == ticks - 1, c->compute, NULL, &what);
		if (e != cudaSuccess) {
			fc_fail(c, what, e);
			return (int)e;
		}
	}
	CK(cudaMemcpyAsync(c->ke_host, c->d.ke, sizeof(double), cudaMemcpyDeviceToHost, c->compute));
	CK(cudaMemcpyAsync(c->err_host, c->d.err, sizeof(int), cudaMemcpyDeviceToHost, c->compute));
	CK(cudaStreamSynchronize(c->compute));
	*ke = *c->ke_host;
	return fc_tree_error(c, *c->err_host);
}

int fc_tree_error(fc_ctx *c, int bits) {
	if (bits == 0) {
		return 0;
	}
	snprintf(c->err, sizeof c->err,
	         "malformed Barnes-Hut tree (error bits %d:%s%s%s): the forces of this step are wrong; the context stays usable",
	         bits, bits & FC_ERR_CLIMB ? " k_bottom_up: a climb left the tree or passed the depth bound;" : "",
	         bits & FC_ERR_WALK ? " k_walk: a walk overflowed its stack or revisited cells;" : "",
	         bits & FC_ERR_ROOT ? " k_walk: the root's mass is not the node count;" : "");
	return FC_ERR_TREE;
}

int fc_snapshot(fc_ctx *c) {
	const int b = c->next;
	const size_t bytes = c->snap_floats * sizeof(float);
	// Buffer b may still be copying an older snapshot: wait for it on the
	// device before overwriting.
	CK(cudaStreamWaitEvent(c->compute, c->copied[b], 0));
	CK(cudaMemcpyAsync(c->snap[b], c->d.pos[c->d.cur], bytes, cudaMemcpyDeviceToDevice, c->compute));
	CK(cudaEventRecord(c->ready[b], c->compute));
	CK(cudaStreamWaitEvent(c->copy, c->ready[b], 0));
	CK(cudaMemcpyAsync(c->host[b], c->snap[b], bytes, cudaMemcpyDeviceToHost, c->copy));
	CK(cudaEventRecord(c->copied[b], c->copy));
	c->latest = b;
	c->next = b ^ 1;
	return 0;
}

int fc_collect(fc_ctx *c, float *dst) {
	if (c->latest < 0) {
		int rc = fc_snapshot(c);
		if (rc != 0) {
			return rc;
		}
	}
	const int b = c->latest;
	CK(cudaEventSynchronize(c->copied[b]));
	memcpy(dst, c->host[b], c->snap_floats * sizeof(float));
	return 0;
}

int fc_download(fc_ctx *c, float *pos, float *vel) {
	const size_t bytes = c->snap_floats * sizeof(float);
	if (bytes == 0) {
		return 0;
	}
	if (pos != NULL) {
		CK(cudaMemcpyAsync(pos, c->d.pos[c->d.cur], bytes, cudaMemcpyDeviceToHost, c->compute));
	}
	if (vel != NULL) {
		CK(cudaMemcpyAsync(vel, c->d.vel, bytes, cudaMemcpyDeviceToHost, c->compute));
	}
	CK(cudaStreamSynchronize(c->compute));
	return 0;
}

int fc_set_positions(fc_ctx *c, const float *pos) {
	const size_t bytes = c->snap_floats * sizeof(float);
	CK(cudaStreamSynchronize(c->copy));
	c->latest = -1; // an older snapshot no longer shows the positions
	if (bytes == 0) {
		return 0;
	}
	fc_dev *d = &c->d;
	CK(cudaMemcpyAsync(d->pos[d->cur], pos, bytes, cudaMemcpyHostToDevice, c->compute));
	CK(cudaMemsetAsync(d->vel, 0, bytes, c->compute));
	CK(cudaStreamSynchronize(c->compute));
	return 0;
}
