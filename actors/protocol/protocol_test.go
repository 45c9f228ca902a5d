package protocol

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/protoack/protoack/actors/forcecompute/kernel"
	"github.com/protoack/protoack/actors/forcecompute/kernel/kerneltest"
	"github.com/protoack/protoack/messaging"
	"github.com/protoack/protoack/middleware"
)

func TestPackRoundTrip(t *testing.T) {
	v := []float32{0, 1, -2.5, float32(math.Inf(1)), math.MaxFloat32, math.SmallestNonzeroFloat32}
	b := Pack(nil, v)
	if len(b) != 4*len(v) {
		t.Fatalf("len = %d, want %d", len(b), 4*len(v))
	}
	got, err := Unpack(nil, b)
	if err != nil || !reflect.DeepEqual(got, v) {
		t.Fatalf("Unpack = %v, %v; want %v", got, err, v)
	}
	if _, err := Unpack(nil, b[:5]); err == nil || !strings.Contains(err.Error(), "5 bytes") {
		t.Errorf("Unpack of 5 bytes: %v, want an error naming the length", err)
	}
}

// TestParamsRoundTrip gives every kernel.Params field a distinct value, so
// a field the conversion forgets comes back as zero.
func TestParamsRoundTrip(t *testing.T) {
	var p kernel.Params
	rv := reflect.ValueOf(&p).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(int64(i + 2))
		case reflect.Uint64:
			f.SetUint(uint64(i + 2))
		case reflect.Float32:
			f.SetFloat(float64(i) + 0.5)
		default:
			t.Fatalf("field %s of kind %v not covered", rv.Type().Field(i).Name, f.Kind())
		}
	}
	if got := FromParams(p).Kernel(); got != p {
		t.Errorf("round trip = %+v, want %+v", got, p)
	}
}

func TestGraphForms(t *testing.T) {
	edges := kerneltest.BA(200, 2, 3)
	edges[4].Weight = 2.5
	want, _ := kernel.FromEdges(200, edges)
	for name, m := range map[string]*UpdateGPUGraphData{"pairs": FromEdges(200, edges), "csr": FromGraph(want)} {
		g, err := m.Graph()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(g, want) {
			t.Errorf("%s: graph differs from kernel.FromEdges", name)
		}
	}
	for name, c := range map[string]struct {
		m    *UpdateGPUGraphData
		text string
	}{
		"unpaired":   {&UpdateGPUGraphData{Nodes: 3, EdgeA: []int32{0, 1}, EdgeB: []int32{1}}, "len(edge_a)"},
		"range":      {&UpdateGPUGraphData{Nodes: 3, EdgeA: []int32{0}, EdgeB: []int32{7}}, "out of range"},
		"weights":    {&UpdateGPUGraphData{Nodes: 3, EdgeA: []int32{0}, EdgeB: []int32{1}, EdgeWeight: []float32{1, 2}}, "len(edge_weight)"},
		"nan weight": {&UpdateGPUGraphData{Nodes: 3, EdgeA: []int32{0}, EdgeB: []int32{1}, EdgeWeight: []float32{float32(math.NaN())}}, "edge_weight[0]"},
		"csr col":    {&UpdateGPUGraphData{Nodes: 2, RowPtr: []int32{0, 1, 2}, Col: []int32{1, 9}}, "Col[1]"},
		"negative":   {&UpdateGPUGraphData{Nodes: -1}, "negative"},
	} {
		if _, err := c.m.Graph(); err == nil || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: %v, want an error naming %q", name, err, c.text)
		}
	}
}

func TestConstraintsRoundTrip(t *testing.T) {
	c := kernel.Constraints{
		Pins:      []kernel.Pin{{Node: 1, X: 2, Y: 3, Z: 4}},
		Distances: []kernel.Distance{{A: 5, B: 6, Length: 7, Stiffness: 8}},
	}
	if got := FromConstraints(c).Constraints(); !reflect.DeepEqual(got, c) {
		t.Errorf("round trip = %+v, want %+v", got, c)
	}
}

func TestBackendNames(t *testing.T) {
	for _, name := range []string{"auto", "cpu", "cuda"} {
		b, err := ParseBackend(name)
		if err != nil || b.Name() != name {
			t.Errorf("ParseBackend(%q) = %v, %v", name, b, err)
		}
	}
	if _, err := ParseBackend("gpu"); err == nil || !strings.Contains(err.Error(), `"gpu"`) {
		t.Errorf("ParseBackend(gpu): %v", err)
	}
}

// TestOptions: a Delivery built with Options tracks the six types under
// their kinds with the default policies, and an override wins.
func TestOptions(t *testing.T) {
	sys := actor.NewActorSystem()
	defer sys.Shutdown()
	fast := messaging.Policy{Timeout: time.Second, MaxRetries: 1, Backoff: messaging.DefaultBackoff()}
	done := make(chan middleware.Outcome, 6)
	d, err := middleware.New(sys, append(Options(map[messaging.Kind]messaging.Policy{KindComputeForces: fast}),
		middleware.WithOutcome(func(o middleware.Outcome) { done <- o }))...)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want := DefaultPolicies()
	want[KindComputeForces] = fast
	for _, k := range Kinds() {
		if got := d.Tracker().Policy(k); !reflect.DeepEqual(got, want[k]) {
			t.Errorf("policy of %s = %+v, want %+v", k, got, want[k])
		}
	}
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}, d.PropsOption()))
	defer sys.Root.Stop(pid)
	msgs := map[messaging.Kind]any{
		KindInitializeGPU: &InitializeGPU{}, KindSetSharedGPUContext: &SetSharedGPUContext{},
		KindUpdateGPUGraphData: &UpdateGPUGraphData{}, KindUploadConstraintsToGPU: &UploadConstraintsToGPU{},
		KindComputeForces: &ComputeForces{}, KindUpdateNodePositions: &UpdateNodePositions{},
	}
	for _, m := range msgs {
		d.RootContext().Send(pid, m)
	}
	d.RootContext().Send(pid, &Pause{}) // untracked
	seen := map[messaging.Kind]bool{}
	for range msgs {
		select {
		case o := <-done:
			if o.Result != messaging.ResultSuccess {
				t.Errorf("%s: %v", o.Kind, o.Result)
			}
			seen[o.Kind] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("outcomes: saw %v of 6", seen)
		}
	}
	if len(seen) != 6 {
		t.Errorf("kinds seen %v, want the six", seen)
	}
}

// TestPackWireForm pins the wire form: little-endian IEEE 754 float32.
func TestPackWireForm(t *testing.T) {
	got := Pack([]byte{9}, []float32{1, -2})
	want := []byte{9, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Pack = % x, want % x", got, want)
	}
}

func TestPackFrom(t *testing.T) {
	b, err := PackFrom(5, func(dst []float32) (int, error) {
		if len(dst) != 5 {
			t.Fatalf("room for %d, want 5", len(dst))
		}
		return copy(dst, []float32{1, -2, 3}), nil
	})
	if err != nil || !reflect.DeepEqual(b, Pack(nil, []float32{1, -2, 3})) {
		t.Errorf("PackFrom = % x, %v", b, err)
	}
}
