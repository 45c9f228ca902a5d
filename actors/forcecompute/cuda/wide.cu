// The wide nodes' segments (fc_plan_wide), planned on the host when a
// graph is uploaded or emulated.
#include "physics.cuh"

int fc_plan_wide(int n, const int *row_ptr, int *wide_of, int *seg_node) {
	int nseg = 0;
	for (int i = 0; i < n; i++) {
		const int k = fc_segments(row_ptr[i + 1] - row_ptr[i]);
		if (wide_of != NULL) {
			wide_of[i] = k > 0 ? nseg : -1;
			for (int s = nseg; s < nseg + k; s++) {
				seg_node[s] = i;
			}
		}
		nseg += k;
	}
	return nseg;
}
