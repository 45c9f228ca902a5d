package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/protoack/protoack/actors/forcecompute/cuda"
	"github.com/protoack/protoack/actors/forcecompute/cuda/internal/compare"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// Gates. The emulation runs the device algorithm (same keys, tree and
// walk), so only rounding separates them; the CPU kernel's tree differs.
const (
	maxEmuErr      = 1e-4 // first tick, GPU vs host emulation, any Theta
	maxExactErr    = 1e-3 // first tick, GPU vs CPU, Theta 0
	maxTreeErr     = 1e-2 // first tick, GPU vs CPU, Theta 0.9, defaults
	maxRepOnlyErr  = 5e-2 // first tick, GPU vs CPU, Theta 0.9, repulsion only: two approximations
	maxQualityErr  = 0.05 // relative, after qualityTicks
	qualityTicks   = 300
	repulsionOnlyK = 0 // SpringK and CenterGravityK of the repulsion-only cases
)

// treeChecker and profiler are the diagnostics of a GPU *cuda.Kernel.
type treeChecker interface {
	TreeCheck() (cuda.TreeReport, error)
}

type profiler interface {
	Profile() (cuda.PhaseTimes, error)
}

// fcase is one first-tick comparison.
type fcase struct {
	dims, n int
	seed    uint64
	theta   float32
	repOnly bool // no springs, no gravity, no constraints
}

func (c fcase) id(section string) string {
	kind := "defaults"
	if c.repOnly {
		kind = "repulsion-only"
	}
	return fmt.Sprintf("%s/%dD/n%d/seed%d/theta%.1f/%s", section, c.dims, c.n, c.seed, c.theta, kind)
}

func (c fcase) params() kernel.Params {
	p := kernel.Defaults()
	p.Dims, p.Seed, p.Theta = c.dims, c.seed, c.theta
	if c.repOnly {
		p.SpringK, p.CenterGravityK = repulsionOnlyK, repulsionOnlyK
	}
	return p
}

func (c fcase) constraints() kernel.Constraints {
	if c.repOnly {
		return kernel.Constraints{}
	}
	return compare.Constraints(c.n, c.seed)
}

// stopOn reports a case that could not run; it returns true when the CUDA
// context is lost, and the rest of the section must be skipped.
func stopOn(r reporter, id string, err error) bool {
	r.fail(id, err)
	if errors.Is(err, cuda.ErrContextLost) {
		r.printf("  the CUDA context is lost: the rest of this section is skipped\n")
		return true
	}
	return false
}

// firstTick opens a and b with c's parameters and compares one tick.
func firstTick(a, b factory, c fcase) (e float64, start []float32, dev kernel.Kernel, err error) {
	p := c.params()
	ka, err := a(p)
	if err != nil {
		return 0, nil, nil, err
	}
	defer ka.Close()
	kb, err := b(p)
	if err != nil {
		return 0, nil, nil, err
	}
	e, start, err = compare.FirstTickFrom(ka, kb, compare.Graph(c.n, c.seed), c.constraints(), c.dims)
	if err != nil {
		kb.Close()
		return 0, nil, nil, err
	}
	return e, start, kb, nil
}

// checkEmulation holds the device to the host emulation of its own
// algorithm: one tick at 1e-4, the tree's invariants (root mass n, every
// inner node reached twice, no error bits), and the cells each warp visits,
// which must equal the host's exactly.
func checkEmulation(r reporter, cfg config) {
	r.printf("first tick, device vs host emulation (relative error <= %g); tree invariants; walk cells per warp\n", maxEmuErr)
	for _, dims := range []int{2, 3} {
		for _, n := range cfg.emuSizes {
			for _, c := range []fcase{{dims, n, 1, 0.9, false}, {dims, n, 1, 0, false}, {dims, n, 1, 0.9, true}} {
				id := c.id("emulation")
				if cfg.only != "" && cfg.only != id && cfg.only != id+"/tree" {
					continue
				}
				r.start(id)
				e, start, dev, err := firstTick(cfg.emu, cfg.dev, c)
				if err != nil {
					if stopOn(r, id, err) {
						return
					}
					continue
				}
				r.check(id, e <= maxEmuErr, "%-52s error %.2e", id, e)
				if c.theta > 0 {
					if checkTree(r, id+"/tree", dev, c, start) {
						dev.Close()
						return
					}
				}
				dev.Close()
			}
		}
	}
}

// checkTree compares dev's tree of its last tick (over start) with the
// host's. It returns true when the context is lost.
func checkTree(r reporter, id string, dev kernel.Kernel, c fcase, start []float32) bool {
	tc, ok := dev.(treeChecker)
	if !ok {
		r.printf("  %-52s tree: n/a (%s has no tree diagnostics)\n", id, dev.Name())
		return false
	}
	r.start(id)
	got, err := tc.TreeCheck()
	if errors.Is(err, cuda.ErrNoDiagnostics) {
		r.printf("  %-52s tree: n/a (%v)\n", id, err)
		r.t.started = ""
		return false
	}
	if err != nil {
		return stopOn(r, id, err)
	}
	want, err := cuda.EmulateTree(c.params(), c.n, start, 16*c.dims, cuda.WalkVote)
	if err != nil {
		return stopOn(r, id, err)
	}
	same, gt, wt := sameWalks(got.Visits, want.Visits)
	// The GPU computes the tree and the walk's decisions without FMA
	// contraction, bit for bit as the host: every warp must visit exactly
	// the host's cells.
	ok = got.RootMass == float64(c.n) && got.BadInner == 0 && got.Err == 0 && same == 1 && gt == wt
	r.check(id, ok, "%-52s root mass %g of %d, inner nodes not reached twice %d, error bits %d; "+
		"warps visiting as on the host %.2f%%, cells %d vs %d", id, got.RootMass, c.n, got.BadInner, got.Err,
		100*same, gt, wt)
	return false
}

// sameWalks is the fraction of groups with equal visits and both totals.
func sameWalks(a, b []int32) (same float64, ta, tb int64) {
	if len(a) != len(b) || len(a) == 0 {
		return 0, 0, 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
		ta += int64(a[i])
		tb += int64(b[i])
	}
	return float64(eq) / float64(len(a)), ta, tb
}

// checkCPU holds the device to the CPU kernel after one tick: exact
// repulsion at maxExactErr, Barnes-Hut at Theta 0.9 at maxTreeErr (the trees
// differ), repulsion only at maxRepOnlyErr.
func checkCPU(r reporter, cfg config) {
	r.printf("first tick, device vs CPU kernel (relative error; Theta 0 <= %g, Theta 0.9 <= %g, repulsion only at 0.9 <= %g)\n",
		maxExactErr, maxTreeErr, maxRepOnlyErr)
	for _, dims := range []int{2, 3} {
		for _, n := range cfg.forceSizes {
			var cases []fcase
			for seed := uint64(1); seed <= 2; seed++ {
				cases = append(cases, fcase{dims, n, seed, 0, false}, fcase{dims, n, seed, 0.9, false})
			}
			cases = append(cases, fcase{dims, n, 1, 0, true}, fcase{dims, n, 1, 0.9, true})
			for _, c := range cases {
				id := c.id("cpu")
				if cfg.only != "" && cfg.only != id {
					continue
				}
				r.start(id)
				e, _, dev, err := firstTick(cfg.ref, cfg.dev, c)
				if err != nil {
					if stopOn(r, id, err) {
						return
					}
					continue
				}
				dev.Close()
				limit := maxExactErr
				switch {
				case c.theta > 0 && c.repOnly:
					limit = maxRepOnlyErr
				case c.theta > 0:
					limit = maxTreeErr
				}
				r.check(id, e <= limit, "%-52s error %.2e (<= %g)", id, e, limit)
			}
		}
	}
}

// checkQuality runs both kernels qualityTicks ticks with the defaults and
// compares edge-length CV and stress.
func checkQuality(r reporter, cfg config) {
	r.printf("layout quality after %d ticks, defaults, device vs CPU (within %.0f%%)\n", qualityTicks, 100*maxQualityErr)
	for _, dims := range []int{2, 3} {
		for _, n := range cfg.qualitySizes {
			id := fmt.Sprintf("quality/%dD/n%d", dims, n)
			if cfg.only != "" && cfg.only != id {
				continue
			}
			r.start(id)
			cvC, stC, cvG, stG, err := quality(cfg, dims, n)
			if err != nil {
				if stopOn(r, id, err) {
					return
				}
				continue
			}
			ok := compare.RelDiff(cvC, cvG) <= maxQualityErr && compare.RelDiff(stC, stG) <= maxQualityErr
			r.check(id, ok, "%-52s edge CV cpu %.4f device %.4f, stress cpu %.4f device %.4f", id, cvC, cvG, stC, stG)
		}
	}
}

func quality(cfg config, dims, n int) (cvC, stC, cvG, stG float64, err error) {
	p := kernel.Defaults()
	p.Dims = dims
	g := compare.Graph(n, 42)
	ref, err := cfg.ref(p)
	if err != nil {
		return
	}
	defer ref.Close()
	if cvC, stC, err = compare.Quality(ref, g, dims, qualityTicks); err != nil {
		return
	}
	dev, err := cfg.dev(p)
	if err != nil {
		return
	}
	defer dev.Close()
	cvG, stG, err = compare.Quality(dev, g, dims, qualityTicks)
	return
}

// percentiles returns p50, p99.9 and the maximum of v.
func percentiles(v []int32) (p50, p999, mx int32) {
	if len(v) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	at := func(q float64) int32 { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.5), at(0.999), s[len(s)-1]
}
