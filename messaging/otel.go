package messaging

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

const meterName = "github.com/protoack/protoack/messaging"

// registerOTel exports the metrics as asynchronous instruments, read from
// Summary, so the hot path pays nothing extra.
func (t *Tracker) registerOTel(mp metric.MeterProvider) error {
	m := mp.Meter(meterName)
	counter := func(name, desc string) (metric.Int64ObservableCounter, error) {
		return m.Int64ObservableCounter(name, metric.WithDescription(desc))
	}
	sent, err1 := counter("protoack.messages.sent", "Tracked messages sent for the first time.")
	acked, err2 := counter("protoack.messages.acked", "Messages ended by a Success or PartialSuccess ack.")
	failed, err3 := counter("protoack.messages.failed", "Messages ended by a Failed ack.")
	retried, err4 := counter("protoack.messages.retried", "Re-sends.")
	exhausted, err5 := counter("protoack.messages.exhausted", "Messages given up after their last retry.")
	undeliv, err6 := counter("protoack.messages.undeliverable", "Messages ended as undeliverable.")
	dup, err7 := counter("protoack.acks.duplicate", "Acks for messages that had already ended.")
	unknown, err8 := counter("protoack.acks.unknown", "Acks for messages never tracked.")
	pending, err9 := m.Int64ObservableGauge("protoack.messages.pending", metric.WithDescription("Messages awaiting an outcome."))
	p50, err10 := m.Float64ObservableGauge("protoack.latency.p50", metric.WithUnit("s"), metric.WithDescription("Median time from send to ack."))
	p99, err11 := m.Float64ObservableGauge("protoack.latency.p99", metric.WithUnit("s"), metric.WithDescription("99th percentile time from send to ack."))
	timeout, err12 := m.Float64ObservableGauge("protoack.ack.timeout", metric.WithUnit("s"), metric.WithDescription("Ack timeout now in force: the policy's, or the adaptive one above it."))
	for _, err := range []error{err1, err2, err3, err4, err5, err6, err7, err8, err9, err10, err11, err12} {
		if err != nil {
			return err
		}
	}
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s := t.Summary()
		for _, k := range s.Kinds {
			attrs := metric.WithAttributes(attribute.String("kind", string(k.Kind)))
			c := k.Counts
			o.ObserveInt64(sent, int64(c.Sent), attrs)
			o.ObserveInt64(acked, int64(c.Acked()), attrs)
			o.ObserveInt64(failed, int64(c.Failed), attrs)
			o.ObserveInt64(retried, int64(c.Retried), attrs)
			o.ObserveInt64(exhausted, int64(c.Exhausted), attrs)
			o.ObserveInt64(undeliv, int64(c.Undeliverable), attrs)
			o.ObserveFloat64(timeout, k.Timeout.Seconds(), attrs)
			if k.Latency.Count > 0 {
				o.ObserveFloat64(p50, k.Latency.P50.Seconds(), attrs)
				o.ObserveFloat64(p99, k.Latency.P99.Seconds(), attrs)
			}
		}
		o.ObserveInt64(dup, int64(s.DuplicateAcks))
		o.ObserveInt64(unknown, int64(s.UnknownAcks))
		o.ObserveInt64(pending, int64(s.Pending))
		return nil
	}, sent, acked, failed, retried, exhausted, undeliv, dup, unknown, pending, p50, p99, timeout)
	if err != nil {
		return err
	}
	t.otelReg = reg
	return nil
}
