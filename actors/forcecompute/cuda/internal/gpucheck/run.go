package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/protoack/protoack/actors/forcecompute/cpu"
	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// factory opens a kernel.
type factory func(kernel.Params) (kernel.Kernel, error)

// config is what a run checks and times, and with which kernels.
type config struct {
	sizes        []int // timed BA m=2 node counts, 3D
	ticks        int   // timed ticks per measurement
	settle       int   // untimed ticks before the settled measurement
	cpu          bool  // also time the CPU kernel
	emuSizes     []int // node counts of the comparison with the host emulation
	forceSizes   []int // node counts of the one-tick comparison with the CPU
	qualitySizes []int // node counts of the quality comparison
	goals        map[int]float64
	only         string // run only this case ("" all)
	// dev is the kernel under test, emu its host emulation, ref the CPU.
	dev, emu, ref factory
}

// sections, in order of a run.
var sections = []struct {
	name string
	run  func(reporter, config)
}{
	{"emulation", checkEmulation},
	{"cpu", checkCPU},
	{"quality", checkQuality},
	{"timing", timeTicks},
}

func openCPU(p kernel.Params) (kernel.Kernel, error) {
	k, err := cpu.New(p)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// devices maps -device to the kernels under test: the GPU, or stand-ins
// that run every section without one.
var devices = map[string]func() (dev, emu factory){
	"cuda":       func() (factory, factory) { return cuda.New, cuda.NewEmulated },
	"emulated":   func() (factory, factory) { return newEmulatedDiag, cuda.NewEmulated },
	"cpu":        func() (factory, factory) { return openCPU, openCPU },
	"cpu-skewed": func() (factory, factory) { return skewedCPU, openCPU },
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gpu-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	secs := fs.String("sections", "emulation,cpu,quality,timing", "sections to run, in order")
	sizes := fs.String("sizes", "10000,100000,1000000", "timed BA m=2 node counts, 3D")
	ticks := fs.Int("ticks", 20, "timed ticks per measurement (the minimum of two runs is kept)")
	settle := fs.Int("settle", 300, "untimed ticks before the settled measurement")
	cpuT := fs.Bool("cpu", true, "also time the CPU kernel (a few ticks)")
	device := fs.String("device", "cuda", "kernel under test: cuda, or without a GPU emulated, cpu, cpu-skewed (forces off by 1%)")
	emuSizes := fs.String("emu-sizes", "1000,20000", "node counts compared with the host emulation")
	forceSizes := fs.String("force-sizes", "1000,20000", "node counts compared with the CPU kernel")
	qualitySizes := fs.String("quality-sizes", "2000,20000", "node counts of the quality comparison")
	section := fs.String("section", "", "run this section here (what the parent runs in a child process)")
	only := fs.String("case", "", "with -section: run only this case")
	timeout := fs.Duration("timeout", 10*time.Minute, "longest a section's child process may run before it is killed (a hang)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	mk, ok := devices[*device]
	if !ok {
		return usageError{fmt.Errorf("-device=%q: want cuda, emulated, cpu or cpu-skewed", *device)}
	}
	cfg := config{ticks: *ticks, settle: *settle, cpu: *cpuT, only: *only, ref: openCPU,
		goals: map[int]float64{100000: 1, 1000000: 5}}
	cfg.dev, cfg.emu = mk()
	var err error
	for _, l := range []struct {
		name string
		s    string
		dst  *[]int
	}{{"sizes", *sizes, &cfg.sizes}, {"emu-sizes", *emuSizes, &cfg.emuSizes},
		{"force-sizes", *forceSizes, &cfg.forceSizes}, {"quality-sizes", *qualitySizes, &cfg.qualitySizes}} {
		if *l.dst, err = nodeCounts(l.name, l.s); err != nil {
			return err
		}
	}
	if cfg.ticks < 1 {
		return usageError{fmt.Errorf("-ticks=%d must be >= 1", cfg.ticks)}
	}
	if *timeout <= 0 {
		return usageError{fmt.Errorf("-timeout=%v must be > 0", *timeout)}
	}
	childTimeout = *timeout
	if cfg.settle < 0 {
		return usageError{fmt.Errorf("-settle=%d must be >= 0", cfg.settle)}
	}
	names := strings.Split(*secs, ",")
	for _, s := range append(names, *section) {
		if s != "" && !slices.ContainsFunc(sections, func(x struct {
			name string
			run  func(reporter, config)
		}) bool {
			return x.name == s
		}) {
			return usageError{fmt.Errorf("unknown section %q (want emulation, cpu, quality or timing)", s)}
		}
	}

	if *device == "cuda" {
		if ok, reason := cuda.Available(); !ok {
			return fmt.Errorf("no usable GPU: %s", reason)
		}
	}
	if *section != "" {
		var t tally
		runSection(*section, reporter{stdout, &t}, cfg)
		if t.failed > 0 {
			return fmt.Errorf("section %s: %d check(s) failed", *section, t.failed)
		}
		return nil
	}

	if *device == "cuda" {
		info, err := cuda.DeviceInfo()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "device: %s\n", info)
	} else {
		fmt.Fprintf(stdout, "device: none, -device=%s stands in for the GPU\n", *device)
	}
	var t tally
	for _, s := range names {
		runChild(&t, s, args, stdout)
	}
	line, pass := t.summary()
	fmt.Fprintln(stdout, "\n"+line)
	if !pass {
		return errors.New("a check failed or a goal was missed (see SUMMARY)")
	}
	return nil
}

func nodeCounts(flagName, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 2 {
			return nil, usageError{fmt.Errorf("-%s: %q is not a node count >= 2", flagName, f)}
		}
		out = append(out, n)
	}
	return out, nil
}

func runSection(name string, r reporter, cfg config) {
	for _, s := range sections {
		if s.name == name {
			s.run(r, cfg)
		}
	}
}

// maxReruns bounds the failing cases run again with CUDA_LAUNCH_BLOCKING=1.
const maxReruns = 4

// runChild runs section name in a child process (this executable with
// -section), echoing its rows, and then each failing case (or the case it
// crashed in) again alone with CUDA_LAUNCH_BLOCKING=1.
func runChild(t *tally, name string, args []string, stdout io.Writer) {
	fmt.Fprintf(stdout, "\n== %s\n", name)
	var sec tally
	err := child(&sec, append(args, "-section", name), nil, stdout, "")
	var ee *exec.ExitError
	normal := err == nil || (errors.As(err, &ee) && ee.ExitCode() == 1 && sec.failed > 0 && sec.started == "")
	if !normal {
		blame := sec.started
		if blame == "" {
			blame = name + "/child"
		}
		fmt.Fprintf(stdout, "  section %s: the child process ended in case %s: %v  FAIL\n", name, blame, err)
		sec.add(blame, false)
	}
	for i, c := range sec.failedCases {
		if i == maxReruns || strings.HasSuffix(c, "/child") {
			break
		}
		fmt.Fprintf(stdout, "  rerun of %s alone with CUDA_LAUNCH_BLOCKING=1:\n", c)
		var re tally
		if err := child(&re, append(args, "-section", name, "-case", c), []string{"CUDA_LAUNCH_BLOCKING=1"}, stdout, "    | "); err != nil {
			fmt.Fprintf(stdout, "    | child process: %v\n", err)
		}
	}
	t.merge(&sec)
}

// child runs this executable with args (and env added), feeding its output,
// stdout and stderr, through t.scan.
func child(t *tally, args, env []string, stdout io.Writer, prefix string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(append(os.Environ(), childEnv...), env...)
	cmd.Stdout, cmd.Stderr = w, w
	err = cmd.Start()
	w.Close()
	if err != nil {
		return err
	}
	t.scan(r, stdout, prefix)
	err = cmd.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("killed after -timeout=%v: %w", childTimeout, err)
	}
	return err
}

// childTimeout is -timeout.
var childTimeout = 10 * time.Minute

// childEnv is added to every child's environment (tests set it so that the
// test binary acts as gpu-check).
var childEnv []string
