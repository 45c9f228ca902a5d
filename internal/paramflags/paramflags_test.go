package paramflags_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/internal/cli"
	"github.com/protoack/protoack/internal/paramflags"
)

func params(t *testing.T, args ...string) (kernel.Params, error) {
	t.Helper()
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	f := paramflags.Register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f.Params()
}

func file(t *testing.T, data string) string {
	path := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPrecedence(t *testing.T) {
	p, err := params(t)
	if err != nil || p != kernel.Defaults() {
		t.Errorf("no flags: %+v, %v; want kernel.Defaults()", p, err)
	}
	want := kernel.DefaultsFor(2)
	want.Theta, want.Damping, want.Workers, want.Seed = 0.5, 0.8, 3, 9
	// 2D starts from DefaultsFor(2). The file sets Theta, Damping and
	// Seed; the flag overrides Theta.
	p, err = params(t, "-params", file(t, `{"Theta": 0.7, "Damping": 0.8, "Seed": 9}`), "-dims", "2", "-theta", "0.5", "-workers", "3")
	if err != nil || p != want {
		t.Errorf("got %+v, %v\nwant %+v", p, err, want)
	}
	// Dims from the file counts too, and what is given beats the 2D defaults.
	want.Theta, want.Damping, want.Workers, want.Seed, want.RestLength = kernel.Defaults().Theta, kernel.Defaults().Damping, 0, 1, 7
	p, err = params(t, "-params", file(t, `{"Dims": 2}`), "-restlength", "7")
	if err != nil || p != want {
		t.Errorf("Dims 2 from the file: got %+v, %v\nwant %+v", p, err, want)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-dims", "7"}, "-dims 7: must be 2 or 3"},
		{[]string{"-theta", "NaN"}, "-theta NaN: must be finite"},
		{[]string{"-damping", "-0.5"}, "-damping -0.5: must be in (0, 1]"},
		{[]string{"-dt", "fast"}, "-dt fast: not a number"},
		{[]string{"-maxforce", "1e40"}, "-maxforce 1e40: out of the float32 range"},
		{[]string{"-workers", "1.5"}, "-workers 1.5: not an integer"},
		{[]string{"-warmupticks", "-1"}, "-warmupticks -1: must be >= 0"},
		{[]string{"-params", file(t, `{"Damping": 1.5}`)}, "p.json: Damping 1.5: must be in (0, 1]"},
		{[]string{"-params", file(t, `{"Thetaa": 1}`)}, `p.json: json: unknown field "Thetaa"`},
		{[]string{"-params", file(t, `{"Dims": "3"}`)}, "p.json: json: cannot unmarshal string"},
		{[]string{"-params", file(t, `{} {}`)}, "p.json: unexpected data after"},
		{[]string{"-params", "/no/such/p.json"}, "no such file"},
		// A good flag fixes a bad file value.
		{[]string{"-params", file(t, `{"Damping": 1.5}`), "-damping", "0.5"}, ""},
	} {
		_, err := params(t, c.args...)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.args, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || cli.Code(err) != cli.ExitUsage {
			t.Errorf("%q: %v (exit %d), want a usage error with %q", c.args, err, cli.Code(err), c.want)
		}
	}
}

func TestUsageListsEveryField(t *testing.T) {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	paramflags.Register(fs)
	fs.PrintDefaults()
	for _, name := range []string{"-params FILE", "-dims", "-dt", "-damping", "-springk", "-restlength", "-repelk", "-softening",
		"-centergravityk", "-maxforce", "-maxvelocity", "-theta", "-warmupticks", "-cooling", "-alphamin", "-workers", "(default 0.9)"} {
		if !strings.Contains(out.String(), name) {
			t.Errorf("usage lacks %q:\n%s", name, out.String())
		}
	}
}
