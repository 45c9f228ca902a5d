// Diagnostics for gpu-check: per-phase event times of a tick, the tree's
// invariants, walk statistics and device details.
#include <stdlib.h>

#include "ctx.h"

int fc_profile(fc_ctx *c, float alpha, float *ms, double *ke) {
	for (int k = 0; k <= FC_PHASES; k++) {
		if (c->phase[k] == NULL) {
			CK(cudaEventCreate(&c->phase[k]));
		}
	}
	CK(cudaMemsetAsync(c->d.err, 0, sizeof(int), c->compute));
	const char *what = "";
	cudaError_t e = fc_tick(&c->d, alpha, true, c->compute, c->phase, &what);
	if (e != cudaSuccess) {
		fc_fail(c, what, e);
		return (int)e;
	}
	CK(cudaMemcpyAsync(c->err_host, c->d.err, sizeof(int), cudaMemcpyDeviceToHost, c->compute));
	CK(cudaMemcpyAsync(c->ke_host, c->d.ke, sizeof(double), cudaMemcpyDeviceToHost, c->compute));
	CK(cudaStreamSynchronize(c->compute));
	*ke = *c->ke_host;
	for (int k = 0; k < FC_PHASES; k++) {
		CK(cudaEventElapsedTime(&ms[k], c->phase[k], c->phase[k + 1]));
	}
	CK(cudaEventElapsedTime(&ms[FC_PHASES], c->phase[0], c->phase[FC_PHASES]));
	return fc_tree_error(c, *c->err_host);
}

int fc_tree_check(fc_ctx *c, fc_tree_stats *st) {
	const fc_dev *d = &c->d;
	st->root_mass = 0;
	st->bad_inner = 0;
	st->err = 0;
	if (d->n < 2) {
		st->root_mass = d->n;
		return 0;
	}
	const int inner = d->n - 1;
	int *arrived = (int *)malloc((size_t)inner * sizeof(int));
	if (arrived == NULL) {
		return (int)cudaErrorMemoryAllocation;
	}
	fc_node root;
	cudaError_t e = cudaMemcpy(arrived, d->arrived, (size_t)inner * sizeof(int), cudaMemcpyDeviceToHost);
	if (e == cudaSuccess) {
		e = cudaMemcpy(&root, d->node, sizeof root, cudaMemcpyDeviceToHost);
	}
	if (e == cudaSuccess) {
		e = cudaMemcpy(&st->err, d->err, sizeof(int), cudaMemcpyDeviceToHost);
	}
	if (e != cudaSuccess) {
		free(arrived);
		fc_fail(c, "fc_tree_check: cudaMemcpy", e);
		return (int)e;
	}
	for (int i = 0; i < inner; i++) {
		st->bad_inner += arrived[i] != 2;
	}
	st->root_mass = root.com.w;
	free(arrived);
	return 0;
}

int fc_walk_visits(fc_ctx *c, int *dst) {
	const size_t groups = (size_t)(c->d.n + FC_GROUP - 1) / FC_GROUP;
	if (groups == 0) {
		return 0;
	}
	CK(cudaMemcpy(dst, c->d.visits, groups * sizeof(int), cudaMemcpyDeviceToHost));
	return 0;
}

int fc_device_info(char *buf, int len) {
	cudaDeviceProp prop;
	cudaError_t e = cudaGetDeviceProperties(&prop, 0);
	if (e != cudaSuccess) {
		return (int)e;
	}
	int driver = 0, runtime = 0;
	cudaDriverGetVersion(&driver);
	cudaRuntimeGetVersion(&runtime);
	snprintf(buf, (size_t)len,
	         "%s, sm_%d%d, %d SMs, SM clock %d MHz, memory clock %d MHz, bus %d bits, "
	         "%.1f GiB, L2 %d MiB, driver %d.%d, runtime %d.%d",
	         prop.name, prop.major, prop.minor, prop.multiProcessorCount, prop.clockRate / 1000,
	         prop.memoryClockRate / 1000, prop.memoryBusWidth,
	         (double)prop.totalGlobalMem / (1024.0 * 1024.0 * 1024.0), prop.l2CacheSize >> 20,
	         driver / 1000, driver % 1000 / 10, runtime / 1000, runtime % 1000 / 10);
	return 0;
}
