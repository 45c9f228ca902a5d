package main

import "github.com/protoack/protoack/actors/forcecompute/kernel"

// skewed is a deliberately wrong "device" for gpu-check's own test: the CPU
// kernel with every displacement since the last Upload or SetConstraints
// scaled by 1.01, as if its forces were off by 1%. Its checks must FAIL.
type skewed struct {
	kernel.Kernel
	dims  int
	start []float32
}

func skewedCPU(p kernel.Params) (kernel.Kernel, error) {
	k, err := openCPU(p)
	if err != nil {
		return nil, err
	}
	return &skewed{Kernel: k, dims: p.Dims}, nil
}

func (k *skewed) Upload(g kernel.Graph) error {
	if err := k.Kernel.Upload(g); err != nil {
		return err
	}
	return k.mark(g.Nodes)
}

func (k *skewed) SetConstraints(c kernel.Constraints) error {
	if err := k.Kernel.SetConstraints(c); err != nil {
		return err
	}
	return k.mark(len(k.start) / k.dims)
}

// mark records the positions displacements are measured from.
func (k *skewed) mark(n int) error {
	k.start = make([]float32, k.dims*n)
	_, err := k.Kernel.Positions(k.start)
	return err
}

func (k *skewed) Positions(dst []float32) (int, error) {
	m, err := k.Kernel.Positions(dst)
	if err != nil || len(k.start) < m {
		return m, err
	}
	for i := 0; i < m; i++ {
		dst[i] = k.start[i] + 1.01*(dst[i]-k.start[i])
	}
	return m, nil
}
