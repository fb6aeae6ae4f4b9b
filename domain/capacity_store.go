package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// CapacityStore reads what capacity planning computes from.
type CapacityStore interface {
	// CapacityNodes returns the nodes that are not offline, by name.
	CapacityNodes(ctx context.Context) ([]CapacityNode, error)
	// PlannedEvents returns the events that are not over (planned to
	// running) whose VMs exist at some time in [from, to): from their
	// deploy (start − lead time, defaultLead when unset) to their end.
	PlannedEvents(ctx context.Context, from, to time.Time, defaultLead time.Duration) ([]PlannedEvent, error)
	// EventDemand is e as capacity planning sees it, with e's fields as
	// given (not as stored) and its participants as stored (none for an
	// event not stored yet). KindInvalid for an unknown environment.
	EventDemand(ctx context.Context, e *Event, defaultLead time.Duration) (*PlannedEvent, error)
	// CloneTimeEstimate is the measured clone time of the template in
	// that mode, or DefaultCloneTime(linked) when none was measured.
	CloneTimeEstimate(ctx context.Context, templateID uuid.UUID, linked bool) (time.Duration, error)
}
