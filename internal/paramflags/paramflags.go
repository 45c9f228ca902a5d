package paramflags

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/cli"
)

// field is one overridable kernel.Params field.
type field struct {
	name  string // the Params field, as in ParamError.Name
	flag  string // the flag name
	usage string
	isInt bool
	set   func(p *kernel.Params, v float64)
	get   func(p *kernel.Params) float64
}

// fields lists every Params field but Seed, which commands share with
// graph generation (their own -seed).
var fields = []field{
	{"Dims", "dims", "dimensions, 2 or 3", true, func(p *kernel.Params, v float64) { p.Dims = int(v) }, func(p *kernel.Params) float64 { return float64(p.Dims) }},
	{"DT", "dt", "time step, > 0", false, func(p *kernel.Params, v float64) { p.DT = float32(v) }, func(p *kernel.Params) float64 { return float64(p.DT) }},
	{"Damping", "damping", "velocity kept per tick, in (0, 1]", false, func(p *kernel.Params, v float64) { p.Damping = float32(v) }, func(p *kernel.Params) float64 { return float64(p.Damping) }},
	{"SpringK", "springk", "spring stiffness, >= 0", false, func(p *kernel.Params, v float64) { p.SpringK = float32(v) }, func(p *kernel.Params) float64 { return float64(p.SpringK) }},
	{"RestLength", "restlength", "spring rest length, >= 0", false, func(p *kernel.Params, v float64) { p.RestLength = float32(v) }, func(p *kernel.Params) float64 { return float64(p.RestLength) }},
	{"RepelK", "repelk", "repulsion strength, >= 0", false, func(p *kernel.Params, v float64) { p.RepelK = float32(v) }, func(p *kernel.Params) float64 { return float64(p.RepelK) }},
	{"Softening", "softening", "distance softening, > 0", false, func(p *kernel.Params, v float64) { p.Softening = float32(v) }, func(p *kernel.Params) float64 { return float64(p.Softening) }},
	{"CenterGravityK", "centergravityk", "pull towards the origin, >= 0", false, func(p *kernel.Params, v float64) { p.CenterGravityK = float32(v) }, func(p *kernel.Params) float64 { return float64(p.CenterGravityK) }},
	{"MaxForce", "maxforce", "clamp on |F|, > 0", false, func(p *kernel.Params, v float64) { p.MaxForce = float32(v) }, func(p *kernel.Params) float64 { return float64(p.MaxForce) }},
	{"MaxVelocity", "maxvelocity", "clamp on |v|, > 0", false, func(p *kernel.Params, v float64) { p.MaxVelocity = float32(v) }, func(p *kernel.Params) float64 { return float64(p.MaxVelocity) }},
	{"Theta", "theta", "Barnes-Hut opening criterion in [0, 2]; 0 is exact", false, func(p *kernel.Params, v float64) { p.Theta = float32(v) }, func(p *kernel.Params) float64 { return float64(p.Theta) }},
	{"WarmupTicks", "warmupticks", "ticks of alpha warm-up, >= 0", true, func(p *kernel.Params, v float64) { p.WarmupTicks = int(v) }, func(p *kernel.Params) float64 { return float64(p.WarmupTicks) }},
	{"Cooling", "cooling", "alpha decay per tick after warm-up, in [0, 1)", false, func(p *kernel.Params, v float64) { p.Cooling = float32(v) }, func(p *kernel.Params) float64 { return float64(p.Cooling) }},
	{"AlphaMin", "alphamin", "alpha floor, in [0, 1]", false, func(p *kernel.Params, v float64) { p.AlphaMin = float32(v) }, func(p *kernel.Params) float64 { return float64(p.AlphaMin) }},
	{"Workers", "workers", "CPU worker goroutines, 0 = GOMAXPROCS", true, func(p *kernel.Params, v float64) { p.Workers = int(v) }, func(p *kernel.Params) float64 { return float64(p.Workers) }},
}

// Flags holds the parameter flags registered on a flag set.
type Flags struct {
	file string
	set  map[string]string // field name -> the text of its flag, when given
	fs   *flag.FlagSet
}

// Register adds -params and one flag per kernel.Params field but Seed to
// fs, documented with kernel.Defaults' values.
func Register(fs *flag.FlagSet) *Flags {
	f := &Flags{set: map[string]string{}, fs: fs}
	fs.StringVar(&f.file, "params", "", "JSON `FILE` of kernel.Params fields (e.g. {\"Theta\": 0.7}); flags override it")
	def, def2 := kernel.Defaults(), kernel.DefaultsFor(2)
	for _, fd := range fields {
		d := strconv.FormatFloat(fd.get(&def), 'g', -1, 32)
		if d2 := strconv.FormatFloat(fd.get(&def2), 'g', -1, 32); d2 != d && fd.name != "Dims" {
			d += "; " + d2 + " in 2D"
		}
		fs.Func(fd.flag, fmt.Sprintf("%s (default %s)", fd.usage, d), func(s string) error {
			f.set[fd.name] = s
			return nil
		})
	}
	return f
}

// Params returns kernel.DefaultsFor the dimensions asked for (3 unless the
// file or -dims says 2) overridden by the -params file and then by the
// flags given, validated. Errors are usage errors (cli.ExitUsage) naming
// the flag, or the file and field.
func (f *Flags) Params() (kernel.Params, error) {
	p, err := f.params()
	return p, cli.Usage(err)
}

func (f *Flags) params() (kernel.Params, error) {
	p, err := f.over(kernel.Defaults())
	if err == nil && p.Dims == 2 {
		p, err = f.over(kernel.DefaultsFor(2))
	}
	if err != nil {
		return kernel.Params{}, err
	}
	return p, f.check(p)
}

// over returns p overridden by the -params file, then by the flags given.
func (f *Flags) over(p kernel.Params) (kernel.Params, error) {
	if f.file != "" {
		if err := Load(f.file, &p); err != nil {
			return kernel.Params{}, err
		}
	}
	for _, fd := range fields {
		s, ok := f.set[fd.name]
		if !ok {
			continue
		}
		v, err := parse(fd, s)
		if err != nil {
			return kernel.Params{}, fmt.Errorf("-%s %s: %v", fd.flag, s, err)
		}
		fd.set(&p, v)
	}
	return p, nil
}

// check validates p, naming the flag or the file's field at fault.
func (f *Flags) check(p kernel.Params) error {
	if err := p.Validate(); err != nil {
		var pe *kernel.ParamError
		if !errors.As(err, &pe) {
			return err
		}
		for _, fd := range fields {
			if fd.name != pe.Name {
				continue
			}
			if s, ok := f.set[fd.name]; ok {
				return fmt.Errorf("-%s %s: %s", fd.flag, s, pe.Reason)
			}
		}
		return fmt.Errorf("%s: %s %v: %s", f.file, pe.Name, pe.Value, pe.Reason)
	}
	return nil
}

func parse(fd field, s string) (float64, error) {
	if fd.isInt {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return 0, errors.New("not an integer")
		}
		return float64(v), nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 32)
	if errors.Is(err, strconv.ErrRange) {
		return 0, errors.New("out of the float32 range")
	}
	if err != nil {
		return 0, errors.New("not a number")
	}
	return v, nil
}

// Load reads a JSON object of kernel.Params fields from path into p,
// leaving fields it does not name alone (Seed included, if it names it).
// Unknown fields and trailing data are errors naming the file.
func Load(path string, p *kernel.Params) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%s: unexpected data after the JSON object", path)
	}
	return nil
}
