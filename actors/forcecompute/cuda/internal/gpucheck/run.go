package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// config is what a run checks and times, and with which kernels.
type config struct {
	sizes        []int // timed node counts, 3D
	ticks        int   // timed device ticks per size
	cpu          bool  // also time the reference kernel
	forceSizes   []int // node counts of the one-tick force comparison
	qualitySizes []int // node counts of the quality comparison
	ref, dev     func(kernel.Params) (kernel.Kernel, error)
}

func openCPU(p kernel.Params) (kernel.Kernel, error) {
	k, err := cpu.New(p)
	if err != nil {
		return nil, err
	}
	return k, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gpu-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "10000,100000,1000000", "node counts to time, 3D")
	ticks := fs.Int("ticks", 20, "timed CUDA ticks per size")
	cpu := fs.Bool("cpu", true, "also time the CPU kernel (fewer ticks)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err}
	}
	cfg := config{
		ticks:        *ticks,
		cpu:          *cpu,
		forceSizes:   []int{1000, 20000},
		qualitySizes: []int{2000, 20000},
		ref:          openCPU,
		dev:          cuda.New,
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 {
			return usageError{fmt.Errorf("-sizes: %q is not a node count >= 2", s)}
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	if cfg.ticks < 1 {
		return usageError{fmt.Errorf("-ticks=%d must be >= 1", cfg.ticks)}
	}

	if ok, reason := cuda.Available(); !ok {
		return fmt.Errorf("no usable GPU: %s", reason)
	}
	name, err := cuda.DeviceName()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "device: %s\n\n", name)
	return check(cfg, stdout)
}

// check compares cfg.dev with cfg.ref and times cfg.dev, printing tables.
func check(cfg config, stdout io.Writer) error {
	failed := 0
	n, err := checkForces(stdout, cfg)
	if err != nil {
		return err
	}
	failed += n
	if n, err = checkQuality(stdout, cfg); err != nil {
		return err
	}
	failed += n
	if err := timeTicks(stdout, cfg); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d check(s) failed", failed)
	}
	fmt.Fprintln(stdout, "\nall checks passed")
	return nil
}
