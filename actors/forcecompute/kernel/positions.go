package kernel

import "fmt"

// CheckPositions validates src for SetPositions on n nodes in dims
// dimensions: its length must be dims*n and every value finite. The error
// names the first bad index, its node and axis.
func CheckPositions(src []float32, n, dims int) error {
	if len(src) != dims*n {
		return fmt.Errorf("kernel: SetPositions: len(src)=%d, want Dims*NodeCount=%d", len(src), dims*n)
	}
	for i, v := range src {
		if !finite(v) {
			return fmt.Errorf("kernel: SetPositions: src[%d] (node %d, axis %c) = %v is not finite", i, i%max(n, 1), "xyz"[i/max(n, 1)], v)
		}
	}
	return nil
}

// CheckTicks validates t for SetTicks.
func CheckTicks(t int) error {
	if t < 0 {
		return fmt.Errorf("kernel: SetTicks: t=%d must be >= 0", t)
	}
	return nil
}
