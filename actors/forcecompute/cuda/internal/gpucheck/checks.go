package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/protoack/protoack/actors/forcecompute/cuda/internal/compare"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

const (
	maxForceErr   = 1e-3 // relative, after one tick, exact repulsion
	maxQualityErr = 0.05 // relative, after qualityTicks
	qualityTicks  = 300
)

// pair opens the reference and the device kernel with parameters p.
func pair(cfg config, p kernel.Params) (ref, dev kernel.Kernel, err error) {
	r, err := cfg.ref(p)
	if err != nil {
		return nil, nil, err
	}
	d, err := cfg.dev(p)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return r, d, nil
}

func closeAll(ks ...kernel.Kernel) {
	for _, k := range ks {
		k.Close()
	}
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAIL"
}

// checkForces compares one tick of CUDA and CPU on random graphs with
// constraints: exactly summed repulsion (Theta 0) must agree to maxForceErr;
// Barnes-Hut (Theta 0.9, different trees) is reported. It returns the number
// of failed checks.
func checkForces(w io.Writer, cfg config) (int, error) {
	fmt.Fprintf(w, "forces after one tick, CUDA vs CPU (relative error; Theta 0 must be <= %g)\n", maxForceErr)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "dims\tnodes\tseed\ttheta\terror\tcheck\t")
	failed := 0
	for _, dims := range []int{2, 3} {
		for _, n := range cfg.forceSizes {
			for seed := uint64(1); seed <= 2; seed++ {
				for _, theta := range []float32{0, 0.9} {
					p := kernel.Defaults()
					p.Dims, p.Seed, p.Theta = dims, seed, theta
					ref, dev, err := pair(cfg, p)
					if err != nil {
						return failed, err
					}
					e, err := compare.FirstTick(ref, dev, compare.Graph(n, seed), compare.Constraints(n, seed), dims)
					closeAll(ref, dev)
					if err != nil {
						return failed, err
					}
					check := "report"
					if theta == 0 {
						check = verdict(e <= maxForceErr)
						if e > maxForceErr {
							failed++
						}
					}
					fmt.Fprintf(tw, "%d\t%d\t%d\t%.1f\t%.2e\t%s\t\n", dims, n, seed, theta, e, check)
				}
			}
		}
	}
	tw.Flush()
	return failed, nil
}

// checkQuality runs both kernels qualityTicks ticks with the defaults and
// compares edge-length CV and stress. It returns the number of failures.
func checkQuality(w io.Writer, cfg config) (int, error) {
	fmt.Fprintf(w, "\nlayout quality after %d ticks, defaults (must agree within %.0f%%)\n", qualityTicks, 100*maxQualityErr)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "dims\tnodes\tcpu edge CV\tcuda edge CV\tcpu stress\tcuda stress\tcheck\t")
	failed := 0
	for _, dims := range []int{2, 3} {
		for _, n := range cfg.qualitySizes {
			p := kernel.Defaults()
			p.Dims = dims
			g := compare.Graph(n, 42)
			ref, dev, err := pair(cfg, p)
			if err != nil {
				return failed, err
			}
			cvC, stC, err := compare.Quality(ref, g, dims, qualityTicks)
			if err != nil {
				closeAll(ref, dev)
				return failed, err
			}
			cvG, stG, err := compare.Quality(dev, g, dims, qualityTicks)
			closeAll(ref, dev)
			if err != nil {
				return failed, err
			}
			ok := compare.RelDiff(cvC, cvG) <= maxQualityErr && compare.RelDiff(stC, stG) <= maxQualityErr
			if !ok {
				failed++
			}
			fmt.Fprintf(tw, "%d\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t\n", dims, n, cvC, cvG, stC, stG, verdict(ok))
		}
	}
	tw.Flush()
	return failed, nil
}
