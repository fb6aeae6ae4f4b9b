package auditrelay

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// backlogTimeout bounds the outbox count a scrape of the backlog gauges runs.
const backlogTimeout = 2 * time.Second

// metrics counts what the relay did.
type metrics struct {
	relayed  prometheus.Counter
	refused  prometheus.Counter
	failures prometheus.Counter
}

// Register adds the relay's metrics to reg: counters of records relayed,
// records MongoDB refused and failed deliveries, and gauges of the records
// pending in the outbox and kept there refused (counted on each scrape).
// Metrics already registered (a second relay in one process) are shared.
func (r *Relay) Register(reg prometheus.Registerer) error {
	backlog := func(refused bool) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), backlogTimeout)
			defer cancel()
			pending, failed, err := r.Outbox.AuditOutboxBacklog(ctx)
			switch {
			case err != nil:
				return -1
			case refused:
				return float64(failed)
			default:
				return float64(pending)
			}
		}
	}
	m := &metrics{
		relayed: prometheus.NewCounter(prometheus.CounterOpts{Name: "labforge_audit_relayed_total",
			Help: "Audit records the relay copied from the PostgreSQL outbox to MongoDB."}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{Name: "labforge_audit_refused_total",
			Help: "Audit records MongoDB refused for their content; they stay in the outbox with failed_at."}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{Name: "labforge_audit_relay_failures_total",
			Help: "Batches the relay could not deliver to MongoDB (retried)."}),
	}
	collectors := []prometheus.Collector{m.relayed, m.refused, m.failures,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "labforge_audit_outbox_pending",
			Help: "Audit records waiting in the PostgreSQL outbox for the relay (-1: the count failed)."}, backlog(false)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "labforge_audit_outbox_refused",
			Help: "Audit records MongoDB refused, kept in the outbox (-1: the count failed)."}, backlog(true)),
	}
	for i, c := range collectors {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return err
			}
			collectors[i] = are.ExistingCollector
		}
	}
	m.relayed, m.refused, m.failures = collectors[0].(prometheus.Counter), collectors[1].(prometheus.Counter), collectors[2].(prometheus.Counter)
	r.metrics = m
	return nil
}

func (m *metrics) delivered(n, refused int) {
	if m != nil {
		m.relayed.Add(float64(n - refused))
		m.refused.Add(float64(refused))
	}
}

func (m *metrics) failed() {
	if m != nil {
		m.failures.Inc()
	}
}
