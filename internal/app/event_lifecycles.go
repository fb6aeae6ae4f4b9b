package app

import (
	"context"
	"log/slog"
	"slices"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// ensureEventLifecyclesFor starts, when the worker serves the queue the
// EventLifecycle workflow runs on, the lifecycle of every planned event
// that has none: events created before lifecycles existed, or whose start
// failed. Starting is idempotent (a running lifecycle is left alone). A
// failure is logged, not fatal: the API starts a planned event's
// lifecycle again on its first action.
func (p *Platform) ensureEventLifecyclesFor(queues []string) {
	if !slices.Contains(queues, workflows.EventLifecycleType.Queue) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), scheduleTimeout)
	defer cancel()
	f := domain.EventFilter{State: domain.EventPlanned, Page: domain.Page{Limit: domain.MaxPageLimit}}
	started := 0
	for {
		events, next, err := p.DB.ListEvents(ctx, f)
		if err != nil {
			p.Logger.Warn("listing planned events to start their lifecycles failed", slog.Any("error", err))
			return
		}
		for _, e := range events {
			in := workflows.EventLifecycleInput{EventID: e.ID, DeployConcurrency: p.Config.EventDeployConcurrency}
			if _, err := p.Temporal.ExecuteWorkflow(ctx, workflows.EventStartOptions(e.ID), workflows.EventLifecycleType.Name, in); err != nil {
				p.Logger.Warn("starting an event's lifecycle failed", slog.String("event", e.ID.String()), slog.Any("error", err))
				continue
			}
			started++
		}
		if next == "" {
			break
		}
		f.Page.Cursor = next
	}
	p.Logger.Info("event lifecycles ensured", slog.Int("planned_events", started))
}
