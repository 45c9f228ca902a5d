package paramflags_test

import (
	"flag"
	"fmt"

	"github.com/protoack/protoack/internal/paramflags"
)

func ExampleRegister() {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	pf := paramflags.Register(fs)
	fs.Parse([]string{"-dims", "2", "-theta", "0.5"})
	p, err := pf.Params()
	fmt.Println(p.Dims, p.Theta, err)

	fs = flag.NewFlagSet("sim", flag.ContinueOnError)
	pf = paramflags.Register(fs)
	fs.Parse([]string{"-dims", "7"})
	_, err = pf.Params()
	fmt.Println(err)
	// Output:
	// 2 0.5 <nil>
	// -dims 7: must be 2 or 3
}
