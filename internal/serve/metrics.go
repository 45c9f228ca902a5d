package serve

import (
	"math"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/protoack/protoack/messaging"

	"net/http"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no global state). Delivery and simulation state are read at scrape
// time; the rest are counted as they happen.
type metrics struct {
	reg             *prometheus.Registry
	clients         prometheus.Gauge
	framesSent      prometheus.Counter
	framesDropped   prometheus.Counter
	framesMalformed prometheus.Counter
	eventsDropped   prometheus.Counter
	tickDuration    prometheus.Histogram
	ackLatency      *prometheus.HistogramVec
	tps             atomic.Uint64 // float64 bits
}

func newMetrics(sim Simulation) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.clients = prometheus.NewGauge(prometheus.GaugeOpts{Name: "protoack_serve_viewers",
		Help: "WebSocket viewers connected."})
	m.framesSent = prometheus.NewCounter(prometheus.CounterOpts{Name: "protoack_serve_frames_sent_total",
		Help: "Position frames broadcast to the viewers."})
	m.framesDropped = prometheus.NewCounter(prometheus.CounterOpts{Name: "protoack_serve_frames_dropped_total",
		Help: "Frames dropped for a viewer that had not taken the previous one yet."})
	m.framesMalformed = prometheus.NewCounter(prometheus.CounterOpts{Name: "protoack_serve_frames_malformed_total",
		Help: "Frames from the simulation whose size did not match the graph, not shown."})
	m.eventsDropped = prometheus.NewCounter(prometheus.CounterOpts{Name: "protoack_serve_events_dropped_total",
		Help: "JSON events dropped for a viewer whose queue was full."})
	m.tickDuration = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "protoack_sim_tick_duration_seconds",
		Help:    "Wall time per tick, one observation per frame the simulation produced.",
		Buckets: prometheus.ExponentialBuckets(1e-5, 2.5, 14)})
	m.ackLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "protoack_messages_ack_latency_seconds",
		Help:    "Time from sending a tracked message to its Success or PartialSuccess ack.",
		Buckets: prometheus.ExponentialBuckets(1e-5, 2.5, 14)}, []string{"kind"})
	m.reg.MustRegister(m.clients, m.framesSent, m.framesDropped, m.framesMalformed, m.eventsDropped,
		m.tickDuration, m.ackLatency, &scrapeCollector{sim: sim, m: m})
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

func (m *metrics) observeOutcome(o messaging.Outcome) {
	if o.Result.Delivered() {
		m.ackLatency.WithLabelValues(string(o.Kind)).Observe(o.Latency.Seconds())
	}
}

func (m *metrics) setTicksPerSecond(v float64) { m.tps.Store(math.Float64bits(v)) }
func (m *metrics) ticksPerSecond() float64     { return math.Float64frombits(m.tps.Load()) }

func (m *metrics) droppedFrames() uint64 { return uint64(counterValue(m.framesDropped)) }
func (m *metrics) viewers() int          { return int(gaugeValue(m.clients)) }

// scrapeCollector reads the simulation's State and Delivery at each scrape.
type scrapeCollector struct {
	sim Simulation
	m   *metrics
}

var (
	descSent      = prometheus.NewDesc("protoack_messages_sent_total", "Tracked messages sent for the first time.", []string{"kind"}, nil)
	descAcked     = prometheus.NewDesc("protoack_messages_acked_total", "Messages ended by a final ack, by its status (success, partial_success, failed).", []string{"kind", "status"}, nil)
	descRetried   = prometheus.NewDesc("protoack_messages_retried_total", "Re-sends.", []string{"kind"}, nil)
	descExhausted = prometheus.NewDesc("protoack_messages_exhausted_total", "Messages given up after their last retry.", []string{"kind"}, nil)
	descFailed    = prometheus.NewDesc("protoack_messages_failed_total", "Messages ended undelivered: a failed ack, exhausted, undeliverable or abandoned.", []string{"kind"}, nil)
	descUndeliv   = prometheus.NewDesc("protoack_messages_undeliverable_total", "Messages ended as undeliverable (the target was gone).", []string{"kind"}, nil)
	descPending   = prometheus.NewDesc("protoack_messages_pending", "Messages sent and awaiting an outcome.", []string{"kind"}, nil)
	descDupAcks   = prometheus.NewDesc("protoack_acks_duplicate_total", "Acks for messages that had already ended.", nil, nil)
	descUnknown   = prometheus.NewDesc("protoack_acks_unknown_total", "Acks for messages never tracked.", nil, nil)
	descIteration = prometheus.NewDesc("protoack_sim_iteration", "Ticks the simulation has advanced.", nil, nil)
	descKinetic   = prometheus.NewDesc("protoack_sim_kinetic_energy", "Kinetic energy after the last tick.", nil, nil)
	descRecover   = prometheus.NewDesc("protoack_sim_recoveries_total", "Recoveries of the force computation.", nil, nil)
	descPaused    = prometheus.NewDesc("protoack_sim_paused", "1 while the simulation is paused.", nil, nil)
	descSettled   = prometheus.NewDesc("protoack_sim_settled", "1 while the simulation is at equilibrium.", nil, nil)
	descTPS       = prometheus.NewDesc("protoack_sim_ticks_per_second", "Ticks a second over the last state interval.", nil, nil)
)

func (c *scrapeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSent, descAcked, descRetried, descExhausted, descFailed, descUndeliv,
		descPending, descDupAcks, descUnknown, descIteration, descKinetic, descRecover, descPaused, descSettled, descTPS} {
		ch <- d
	}
}

func (c *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	s := c.sim.Delivery()
	for _, k := range s.Kinds {
		kind, n := string(k.Kind), k.Counts
		counter(descSent, n.Sent, kind)
		counter(descAcked, n.Succeeded, kind, "success")
		counter(descAcked, n.Partial, kind, "partial_success")
		counter(descAcked, n.Failed, kind, "failed")
		counter(descRetried, n.Retried, kind)
		counter(descExhausted, n.Exhausted, kind)
		counter(descFailed, n.Ended()-n.Acked(), kind)
		counter(descUndeliv, n.Undeliverable, kind)
		gauge(descPending, float64(pendingOf(n)), kind)
	}
	counter(descDupAcks, s.DuplicateAcks)
	counter(descUnknown, s.UnknownAcks)
	st := c.sim.State()
	gauge(descIteration, float64(st.Iteration))
	gauge(descKinetic, st.KineticEnergy)
	counter(descRecover, uint64(max(st.Recoveries, 0)))
	gauge(descPaused, b2f(st.Paused))
	gauge(descSettled, b2f(st.Settled))
	gauge(descTPS, c.m.ticksPerSecond())
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
