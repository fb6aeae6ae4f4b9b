package mock

import (
	"context"

	"github.com/labforge/labforge/domain"
)

// EventActivityLog is a domain.EventActivityLog whose methods call the
// matching Fn field.
type EventActivityLog struct {
	RecordEventActivityFn func(ctx context.Context, a *domain.EventActivity) error
	ListEventActivityFn   func(ctx context.Context, f domain.EventActivityFilter) ([]domain.EventActivity, string, error)
}

var _ domain.EventActivityLog = (*EventActivityLog)(nil)

// RecordEventActivity calls RecordEventActivityFn.
func (l *EventActivityLog) RecordEventActivity(ctx context.Context, a *domain.EventActivity) error {
	if l.RecordEventActivityFn == nil {
		unexpected("EventActivityLog.RecordEventActivity")
	}
	return l.RecordEventActivityFn(ctx, a)
}

// ListEventActivity calls ListEventActivityFn.
func (l *EventActivityLog) ListEventActivity(ctx context.Context, f domain.EventActivityFilter) ([]domain.EventActivity, string, error) {
	if l.ListEventActivityFn == nil {
		unexpected("EventActivityLog.ListEventActivity")
	}
	return l.ListEventActivityFn(ctx, f)
}
