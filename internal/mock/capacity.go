package mock

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// CapacityStore is a domain.CapacityStore whose methods call the matching
// Fn field.
type CapacityStore struct {
	CapacityNodesFn     func(ctx context.Context) ([]domain.CapacityNode, error)
	PlannedEventsFn     func(ctx context.Context, from, to time.Time, defaultLead time.Duration) ([]domain.PlannedEvent, error)
	EventDemandFn       func(ctx context.Context, e *domain.Event, defaultLead time.Duration) (*domain.PlannedEvent, error)
	CloneTimeEstimateFn func(ctx context.Context, templateID uuid.UUID, linked bool) (time.Duration, error)
}

var _ domain.CapacityStore = (*CapacityStore)(nil)

// CapacityNodes calls CapacityNodesFn.
func (s *CapacityStore) CapacityNodes(ctx context.Context) ([]domain.CapacityNode, error) {
	if s.CapacityNodesFn == nil {
		unexpected("CapacityStore.CapacityNodes")
	}
	return s.CapacityNodesFn(ctx)
}

// PlannedEvents calls PlannedEventsFn.
func (s *CapacityStore) PlannedEvents(ctx context.Context, from, to time.Time, defaultLead time.Duration) ([]domain.PlannedEvent, error) {
	if s.PlannedEventsFn == nil {
		unexpected("CapacityStore.PlannedEvents")
	}
	return s.PlannedEventsFn(ctx, from, to, defaultLead)
}

// EventDemand calls EventDemandFn.
func (s *CapacityStore) EventDemand(ctx context.Context, e *domain.Event, defaultLead time.Duration) (*domain.PlannedEvent, error) {
	if s.EventDemandFn == nil {
		unexpected("CapacityStore.EventDemand")
	}
	return s.EventDemandFn(ctx, e, defaultLead)
}

// CloneTimeEstimate calls CloneTimeEstimateFn.
func (s *CapacityStore) CloneTimeEstimate(ctx context.Context, templateID uuid.UUID, linked bool) (time.Duration, error) {
	if s.CloneTimeEstimateFn == nil {
		unexpected("CapacityStore.CloneTimeEstimate")
	}
	return s.CloneTimeEstimateFn(ctx, templateID, linked)
}
