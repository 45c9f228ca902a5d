// The context behind forcecompute.h's fc_ctx, shared by context.cu and
// diag.cu.
#ifndef FC_CTX_H
#define FC_CTX_H

#include <stdio.h>

#include "forcecompute.h"
#include "state.h"

// FC_STICKY_NOTE ends the message of an error that leaves the context
// unusable.
#define FC_STICKY_NOTE                                                                  \
	" (sticky error: the CUDA context is lost and every later CUDA call in this " \
	"process fails; the process must restart to use the GPU again)"

struct fc_ctx {
	fc_dev d;
	cudaStream_t compute, copy;
	cudaEvent_t ready[2];  // snapshot b is on the device (compute stream)
	cudaEvent_t copied[2]; // snapshot b is in host[b] (copy stream)
	cudaEvent_t phase[FC_PHASES + 1]; // fc_profile's, created on first use
	float *snap[2];        // device snapshots
	float *host[2];        // pinned host buffers
	size_t snap_floats;
	int next;   // snapshot buffer to use next
	int latest; // last snapshot taken, -1 if none
	double *ke_host;
	int *err_host;
	char err[512];
};

// fc_fail records the failure of call with e in c's message, saying so
// when the error is sticky.
void fc_fail(fc_ctx *c, const char *call, cudaError_t e);
// fc_tree_error turns FC_ERR_* bits into FC_ERR_TREE and its message (0
// when bits is 0).
int fc_tree_error(fc_ctx *c, int bits);

// CK runs a CUDA call and, on failure, records its text and returns.
#define CK(call)                            \
	do {                                    \
		cudaError_t e_ = (call);            \
		if (e_ != cudaSuccess) {            \
			fc_fail(c, #call, e_);          \
			return (int)e_;                 \
		}                                   \
	} while (0)

#endif
