package mock

import (
	"context"

	"github.com/labforge/labforge/domain"
)

// SystemEventLog is a domain.SystemEventLog whose methods call the
// matching Fn field.
type SystemEventLog struct {
	AddSystemEventFn   func(ctx context.Context, ev *domain.SystemEvent) error
	ListSystemEventsFn func(ctx context.Context, f domain.SystemEventFilter) ([]domain.SystemEvent, string, error)
}

var _ domain.SystemEventLog = (*SystemEventLog)(nil)

// AddSystemEvent calls AddSystemEventFn.
func (l *SystemEventLog) AddSystemEvent(ctx context.Context, ev *domain.SystemEvent) error {
	if l.AddSystemEventFn == nil {
		unexpected("SystemEventLog.AddSystemEvent")
	}
	return l.AddSystemEventFn(ctx, ev)
}

// ListSystemEvents calls ListSystemEventsFn.
func (l *SystemEventLog) ListSystemEvents(ctx context.Context, f domain.SystemEventFilter) ([]domain.SystemEvent, string, error) {
	if l.ListSystemEventsFn == nil {
		unexpected("SystemEventLog.ListSystemEvents")
	}
	return l.ListSystemEventsFn(ctx, f)
}
