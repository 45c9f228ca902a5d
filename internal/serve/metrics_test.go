package serve_test

import (
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/protoack/protoack/internal/serve"
)

// scrape parses GET /metrics with the Prometheus text parser.
func (e *env) scrape(t testing.TB) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(e.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("GET /metrics does not parse: %v", err)
	}
	return fams
}

// value returns the sample of family name whose labels include want.
func value(t testing.TB, fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("/metrics has no %s", name)
	}
next:
	for _, m := range f.Metric {
		for k, v := range want {
			found := false
			for _, l := range m.Label {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		return m
	}
	t.Fatalf("/metrics has no %s%v", name, want)
	return nil
}

func TestMetrics(t *testing.T) {
	e := start(t, envConfig{nodes: 200})
	ctx := testCtx(t)
	if err := e.sim.Wait(ctx, func(s serve.State) bool { return s.Iteration >= 5 }); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.do(t, "POST", "/api/pause", ""); code != 200 {
		t.Fatal("pause")
	}
	// Outcomes reach the server on the tracker's goroutine: wait for
	// every step's.
	e.waitOutcomes(t, ctx, int(e.sim.Stats().Ticks))
	fams := e.scrape(t)
	for name := range fams {
		if !strings.HasPrefix(name, "protoack_") {
			t.Errorf("metric %s does not start with protoack_", name)
		}
	}
	st, sum := e.sim.State(), e.sim.Delivery()
	row, ok := sum.Kind("ComputeForces")
	if !ok {
		t.Fatal("the tracker has no ComputeForces row")
	}
	kind := map[string]string{"kind": "ComputeForces"}
	counter := func(name string, labels map[string]string) float64 {
		return value(t, fams, name, labels).GetCounter().GetValue()
	}
	gauge := func(name string, labels map[string]string) float64 {
		return value(t, fams, name, labels).GetGauge().GetValue()
	}
	// Paused: the scrape and the summary read after it agree, give or
	// take the step that was in flight.
	if got := counter("protoack_messages_sent_total", kind); got < float64(row.Counts.Sent)-1 || got > float64(row.Counts.Sent) || got < 5 {
		t.Errorf("sent_total %v, tracker %d", got, row.Counts.Sent)
	}
	if got := counter("protoack_messages_acked_total", map[string]string{"kind": "ComputeForces", "status": "success"}); got < 5 {
		t.Errorf("acked_total{status=success} %v", got)
	}
	for _, status := range []string{"partial_success", "failed"} {
		if got := counter("protoack_messages_acked_total", map[string]string{"kind": "ComputeForces", "status": status}); got != 0 {
			t.Errorf("acked_total{status=%s} %v, want 0", status, got)
		}
	}
	for _, name := range []string{"protoack_messages_retried_total", "protoack_messages_exhausted_total",
		"protoack_messages_failed_total", "protoack_messages_undeliverable_total"} {
		if got := counter(name, kind); got != 0 {
			t.Errorf("%s %v, want 0", name, got)
		}
	}
	if got := gauge("protoack_messages_pending", kind); got != 0 {
		t.Errorf("pending %v, want 0 (paused, every step acked)", got)
	}
	if h := value(t, fams, "protoack_messages_ack_latency_seconds", kind).GetHistogram(); h.GetSampleCount() != e.sim.Stats().Ticks {
		t.Errorf("ack latency histogram has %d samples, want one per tick (%d)", h.GetSampleCount(), e.sim.Stats().Ticks)
	}
	if got := gauge("protoack_sim_iteration", nil); got != float64(st.Iteration) {
		t.Errorf("sim_iteration %v, state %d", got, st.Iteration)
	}
	if got := gauge("protoack_sim_kinetic_energy", nil); got != st.KineticEnergy {
		t.Errorf("sim_kinetic_energy %v, state %v", got, st.KineticEnergy)
	}
	if got := gauge("protoack_sim_paused", nil); got != 1 {
		t.Errorf("sim_paused %v", got)
	}
	if h := value(t, fams, "protoack_sim_tick_duration_seconds", nil).GetHistogram(); h.GetSampleCount() == 0 || h.GetSampleSum() <= 0 {
		t.Errorf("tick duration histogram: %d samples, sum %v", h.GetSampleCount(), h.GetSampleSum())
	}
	for _, name := range []string{"protoack_sim_recoveries_total", "protoack_serve_frames_dropped_total", "protoack_serve_frames_sent_total"} {
		counter(name, nil)
	}
	gauge("protoack_serve_viewers", nil)
	gauge("protoack_sim_ticks_per_second", nil)
	gauge("protoack_sim_settled", nil)
	counter("protoack_acks_duplicate_total", nil)
	counter("protoack_acks_unknown_total", nil)
}
