// Package auditrelay copies audit records from the PostgreSQL outbox
// (store.DB.Audited writes them in the transactions of the changes they
// describe) to the MongoDB audit log, so that MongoDB being down delays the
// audit log and never loses a record.
//
// The relay is a loop in the core worker process rather than a Temporal
// Schedule: a schedule fires at most every few seconds and writes workflow
// history on each run, while the loop wakes on a PostgreSQL notification as
// soon as a record commits, so records normally reach MongoDB within a
// second; and the audit log keeps flowing while Temporal itself is down.
// Several relays (worker replicas) may run: each takes different rows.
package auditrelay

import (
	"context"
	"log/slog"
	"time"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
)

// Outbox is where the records wait: store.DB.
type Outbox interface {
	DrainAuditOutbox(ctx context.Context, limit int, deliver store.AuditDelivery) (int, error)
	AuditOutboxBacklog(ctx context.Context) (pending, failed int64, err error)
	Listen(ctx context.Context, channel string, fn func(payload string), onReconnect func()) error
}

// Log is where the records go: audit.Store.
type Log interface {
	AppendAudit(ctx context.Context, recs []domain.AuditRecord) (refused map[string]string, err error)
}

// Defaults of the Relay's zero fields.
const (
	DefaultBatch          = 100
	DefaultPoll           = 10 * time.Second
	DefaultDeliverTimeout = 10 * time.Second
	DefaultMaxBackoff     = 30 * time.Second
	firstBackoff          = 100 * time.Millisecond
)

// Relay drains the outbox into the log. Outbox and Log are required; the
// other fields have defaults.
type Relay struct {
	Outbox Outbox
	Log    Log
	Logger *slog.Logger
	// Batch is how many records one MongoDB insert carries.
	Batch int
	// Poll is how long the relay waits for a notification before looking
	// anyway (a notification sent while its listener reconnected is lost).
	Poll time.Duration
	// DeliverTimeout bounds one batch's MongoDB insert, during which the
	// batch's outbox rows stay locked.
	DeliverTimeout time.Duration
	// MaxBackoff caps the wait between tries while MongoDB fails; the wait
	// starts at 100 ms and doubles.
	MaxBackoff time.Duration

	metrics *metrics // nil until Register
}

// Run relays until ctx ends: it drains the outbox, oldest first, in
// batches, then sleeps until a record is announced or Poll passes. While a
// delivery fails it retries with a growing wait, logging each failure, and
// keeps the records in the outbox. Should PostgreSQL refuse to announce
// records, it logs that and polls. It returns when ctx ends.
func (r *Relay) Run(ctx context.Context) {
	r.defaults()
	wake := make(chan struct{}, 1)
	poke := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	listened := make(chan error, 1)
	go func() {
		listened <- r.Outbox.Listen(ctx, store.AuditOutboxChannel, func(string) { poke() }, poke)
	}()

	backoff := firstBackoff
	for {
		// While deliveries fail, new records do not cut the wait short.
		wait, woken := r.Poll, wake
		if err := r.drain(ctx); err != nil && ctx.Err() == nil {
			r.Logger.Warn("relaying audit records from the PostgreSQL outbox to MongoDB failed; they stay in the outbox",
				slog.Duration("retry_in", backoff), slog.Any("error", err))
			wait, woken, backoff = backoff, nil, min(2*backoff, r.MaxBackoff)
		} else {
			backoff = firstBackoff
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			if listened != nil {
				<-listened
			}
			return
		case err := <-listened:
			listened = nil
			if ctx.Err() == nil {
				r.Logger.Error("PostgreSQL does not announce new audit records; the relay looks for them every poll interval instead",
					slog.Duration("poll", r.Poll), slog.Any("error", err))
			}
		case <-woken:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// drain relays batches until the outbox has no pending record or a
// delivery fails.
func (r *Relay) drain(ctx context.Context) error {
	for ctx.Err() == nil {
		n, err := r.Outbox.DrainAuditOutbox(ctx, r.Batch, r.deliver)
		if err != nil || n < r.Batch {
			return err
		}
	}
	return nil
}

// deliver appends one batch to the log, within DeliverTimeout.
func (r *Relay) deliver(ctx context.Context, recs []domain.AuditRecord) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, r.DeliverTimeout)
	defer cancel()
	refused, err := r.Log.AppendAudit(ctx, recs)
	if err != nil {
		r.metrics.failed()
		return nil, err
	}
	r.metrics.delivered(len(recs), len(refused))
	for id, reason := range refused {
		r.Logger.Error("MongoDB refused an audit record; it is kept in the PostgreSQL outbox (failed_at set)",
			slog.String("id", id), slog.String("reason", reason))
	}
	return refused, nil
}

func (r *Relay) defaults() {
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.Batch <= 0 {
		r.Batch = DefaultBatch
	}
	if r.Poll <= 0 {
		r.Poll = DefaultPoll
	}
	if r.DeliverTimeout <= 0 {
		r.DeliverTimeout = DefaultDeliverTimeout
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = DefaultMaxBackoff
	}
}
