//go:build cuda

package cuda

import (
	"errors"
	"strings"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// TestSelfCheckGraph: the built-in graph has the wide nodes the check is
// for: one of several segments and one of a single segment.
func TestSelfCheckGraph(t *testing.T) {
	g := selfCheckGraph(2000)
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	multi, single := 0, 0
	for i := range g.Nodes {
		switch d := g.RowPtr[i+1] - g.RowPtr[i]; {
		case d > 256:
			multi++
		case d >= 32:
			single++
		}
	}
	if multi == 0 || single == 0 {
		t.Errorf("%d nodes of more than 256 springs, %d of 32 to 256: want both", multi, single)
	}
}

// TestSelfCheckPassesAndFails: the check passes for a kernel that ticks as
// the host emulation does and fails, naming the error, for one whose tick
// moves nodes twice as far (and for one that cannot be made).
func TestSelfCheckPassesAndFails(t *testing.T) {
	if err := selfCheck(NewEmulated, NewEmulated); err != nil {
		t.Fatalf("emulation against itself: %v", err)
	}
	twice := func(p kernel.Params) (kernel.Kernel, error) {
		k, err := NewEmulated(p)
		return doubleStep{k}, err
	}
	err := selfCheck(twice, NewEmulated)
	if err == nil || !strings.Contains(err.Error(), "3D: the device's first tick differs") {
		t.Errorf("a kernel ticking twice: %v, want a 3D difference", err)
	}
	broken := func(kernel.Params) (kernel.Kernel, error) { return nil, errBroken }
	if err := selfCheck(broken, NewEmulated); err == nil || !strings.Contains(err.Error(), errBroken.Error()) {
		t.Errorf("a kernel that cannot be made: %v, want its error", err)
	}
}

var errBroken = errors.New("no such device")

// doubleStep is a kernel whose every tick is two.
type doubleStep struct{ kernel.Kernel }

func (k doubleStep) Step(ticks int) error { return k.Kernel.Step(2 * ticks) }

// TestGPUSelfCheck: the device passes its self-check.
func TestGPUSelfCheck(t *testing.T) {
	requireGPU(t)
	if err := SelfCheck(); err != nil {
		t.Fatal(err)
	}
}
