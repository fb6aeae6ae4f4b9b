package app

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/auditrelay"
)

// startAuditRelay runs the audit relay (internal/auditrelay) of a worker
// that polls core, until the returned stop is called; stop waits for it
// to end. Every core worker runs one, and they share the outbox's rows.
// Other workers run none and stop is a no-op.
func (p *Platform) startAuditRelay(queues []string) (stop func()) {
	if !slices.Contains(queues, activities.QueueCore) || p.DB == nil || p.Audit == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	r := &auditrelay.Relay{Outbox: p.DB, Log: p.Audit, Logger: p.Logger.With(slog.String("component", "audit-relay"))}
	if err := r.Register(p.Metrics); err != nil {
		p.Logger.Warn("the audit relay's metrics are not exported", slog.Any("error", err))
	}
	wg.Go(func() { r.Run(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}
