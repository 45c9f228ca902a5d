//go:build !cuda

package forcecompute

import (
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

const notCompiled = "CUDA not compiled in (build with -tags cuda)"

func TestOpenWithoutCUDACompiledIn(t *testing.T) {
	_, _, err := open(t, "cuda", kernel.Defaults())
	if err == nil || !strings.Contains(err.Error(), notCompiled) {
		t.Fatalf("Open(cuda) = %v, want an error saying %q", err, notCompiled)
	}
	k, log, err := open(t, "auto", kernel.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if k.Name() != "cpu" || !strings.Contains(log, notCompiled) {
		t.Fatalf("auto chose %q and logged %q, want cpu and %q", k.Name(), log, notCompiled)
	}
}
