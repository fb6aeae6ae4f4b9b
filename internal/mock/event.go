package mock

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// EventStore is a domain.EventStore whose methods call the matching Fn field.
type EventStore struct {
	CreateEventFn          func(ctx context.Context, e *domain.Event) error
	FindEventFn            func(ctx context.Context, id uuid.UUID) (*domain.Event, error)
	ListEventsFn           func(ctx context.Context, f domain.EventFilter) ([]domain.Event, string, error)
	UpdateEventFn          func(ctx context.Context, e *domain.Event) error
	SetEventStateFn        func(ctx context.Context, id uuid.UUID, state domain.EventState) error
	DeleteEventFn          func(ctx context.Context, id uuid.UUID) error
	AddParticipantFn       func(ctx context.Context, p *domain.EventParticipant) error
	RemoveParticipantFn    func(ctx context.Context, eventID uuid.UUID, userID uuid.UUID) error
	ListParticipantsFn     func(ctx context.Context, eventID uuid.UUID) ([]domain.EventParticipant, error)
	AddEventGroupFn        func(ctx context.Context, g *domain.EventGroup) error
	RemoveEventGroupFn     func(ctx context.Context, eventID uuid.UUID, groupID uuid.UUID) error
	ListEventGroupsFn      func(ctx context.Context, eventID uuid.UUID) ([]domain.EventGroup, error)
	EventMembersFn         func(ctx context.Context, eventID uuid.UUID) ([]domain.EventMember, error)
	EventRoleFn            func(ctx context.Context, eventID uuid.UUID, userID uuid.UUID) (string, error)
	SnapshotEnvironmentFn  func(ctx context.Context, eventID uuid.UUID) (*domain.Environment, error)
	EnvironmentSnapshotFn  func(ctx context.Context, eventID uuid.UUID) (*domain.Environment, error)
	UpsertEventItemFn      func(ctx context.Context, it *domain.EventItem) error
	ListEventItemsFn       func(ctx context.Context, eventID uuid.UUID, userID *uuid.UUID) ([]domain.EventItem, error)
	ListEventItemChangesFn func(ctx context.Context, eventID uuid.UUID, since time.Time, limit int) ([]domain.EventItem, error)
}

var _ domain.EventStore = (*EventStore)(nil)

// CreateEvent calls CreateEventFn.
func (s *EventStore) CreateEvent(ctx context.Context, e *domain.Event) error {
	if s.CreateEventFn == nil {
		unexpected("EventStore.CreateEvent")
	}
	return s.CreateEventFn(ctx, e)
}

// FindEvent calls FindEventFn.
func (s *EventStore) FindEvent(ctx context.Context, id uuid.UUID) (*domain.Event, error) {
	if s.FindEventFn == nil {
		unexpected("EventStore.FindEvent")
	}
	return s.FindEventFn(ctx, id)
}

// ListEvents calls ListEventsFn.
func (s *EventStore) ListEvents(ctx context.Context, f domain.EventFilter) ([]domain.Event, string, error) {
	if s.ListEventsFn == nil {
		unexpected("EventStore.ListEvents")
	}
	return s.ListEventsFn(ctx, f)
}

// UpdateEvent calls UpdateEventFn.
func (s *EventStore) UpdateEvent(ctx context.Context, e *domain.Event) error {
	if s.UpdateEventFn == nil {
		unexpected("EventStore.UpdateEvent")
	}
	return s.UpdateEventFn(ctx, e)
}

// SetEventState calls SetEventStateFn.
func (s *EventStore) SetEventState(ctx context.Context, id uuid.UUID, state domain.EventState) error {
	if s.SetEventStateFn == nil {
		unexpected("EventStore.SetEventState")
	}
	return s.SetEventStateFn(ctx, id, state)
}

// DeleteEvent calls DeleteEventFn.
func (s *EventStore) DeleteEvent(ctx context.Context, id uuid.UUID) error {
	if s.DeleteEventFn == nil {
		unexpected("EventStore.DeleteEvent")
	}
	return s.DeleteEventFn(ctx, id)
}

// AddParticipant calls AddParticipantFn.
func (s *EventStore) AddParticipant(ctx context.Context, p *domain.EventParticipant) error {
	if s.AddParticipantFn == nil {
		unexpected("EventStore.AddParticipant")
	}
	return s.AddParticipantFn(ctx, p)
}

// RemoveParticipant calls RemoveParticipantFn.
func (s *EventStore) RemoveParticipant(ctx context.Context, eventID uuid.UUID, userID uuid.UUID) error {
	if s.RemoveParticipantFn == nil {
		unexpected("EventStore.RemoveParticipant")
	}
	return s.RemoveParticipantFn(ctx, eventID, userID)
}

// ListParticipants calls ListParticipantsFn.
func (s *EventStore) ListParticipants(ctx context.Context, eventID uuid.UUID) ([]domain.EventParticipant, error) {
	if s.ListParticipantsFn == nil {
		unexpected("EventStore.ListParticipants")
	}
	return s.ListParticipantsFn(ctx, eventID)
}

// AddEventGroup calls AddEventGroupFn.
func (s *EventStore) AddEventGroup(ctx context.Context, g *domain.EventGroup) error {
	if s.AddEventGroupFn == nil {
		unexpected("EventStore.AddEventGroup")
	}
	return s.AddEventGroupFn(ctx, g)
}

// RemoveEventGroup calls RemoveEventGroupFn.
func (s *EventStore) RemoveEventGroup(ctx context.Context, eventID uuid.UUID, groupID uuid.UUID) error {
	if s.RemoveEventGroupFn == nil {
		unexpected("EventStore.RemoveEventGroup")
	}
	return s.RemoveEventGroupFn(ctx, eventID, groupID)
}

// ListEventGroups calls ListEventGroupsFn.
func (s *EventStore) ListEventGroups(ctx context.Context, eventID uuid.UUID) ([]domain.EventGroup, error) {
	if s.ListEventGroupsFn == nil {
		unexpected("EventStore.ListEventGroups")
	}
	return s.ListEventGroupsFn(ctx, eventID)
}

// EventMembers calls EventMembersFn.
func (s *EventStore) EventMembers(ctx context.Context, eventID uuid.UUID) ([]domain.EventMember, error) {
	if s.EventMembersFn == nil {
		unexpected("EventStore.EventMembers")
	}
	return s.EventMembersFn(ctx, eventID)
}

// EventRole calls EventRoleFn.
func (s *EventStore) EventRole(ctx context.Context, eventID uuid.UUID, userID uuid.UUID) (string, error) {
	if s.EventRoleFn == nil {
		unexpected("EventStore.EventRole")
	}
	return s.EventRoleFn(ctx, eventID, userID)
}

// SnapshotEnvironment calls SnapshotEnvironmentFn.
func (s *EventStore) SnapshotEnvironment(ctx context.Context, eventID uuid.UUID) (*domain.Environment, error) {
	if s.SnapshotEnvironmentFn == nil {
		unexpected("EventStore.SnapshotEnvironment")
	}
	return s.SnapshotEnvironmentFn(ctx, eventID)
}

// EnvironmentSnapshot calls EnvironmentSnapshotFn.
func (s *EventStore) EnvironmentSnapshot(ctx context.Context, eventID uuid.UUID) (*domain.Environment, error) {
	if s.EnvironmentSnapshotFn == nil {
		unexpected("EventStore.EnvironmentSnapshot")
	}
	return s.EnvironmentSnapshotFn(ctx, eventID)
}

// UpsertEventItem calls UpsertEventItemFn.
func (s *EventStore) UpsertEventItem(ctx context.Context, it *domain.EventItem) error {
	if s.UpsertEventItemFn == nil {
		unexpected("EventStore.UpsertEventItem")
	}
	return s.UpsertEventItemFn(ctx, it)
}

// ListEventItems calls ListEventItemsFn.
func (s *EventStore) ListEventItems(ctx context.Context, eventID uuid.UUID, userID *uuid.UUID) ([]domain.EventItem, error) {
	if s.ListEventItemsFn == nil {
		unexpected("EventStore.ListEventItems")
	}
	return s.ListEventItemsFn(ctx, eventID, userID)
}

// ListEventItemChanges calls ListEventItemChangesFn.
func (s *EventStore) ListEventItemChanges(ctx context.Context, eventID uuid.UUID, since time.Time, limit int) ([]domain.EventItem, error) {
	if s.ListEventItemChangesFn == nil {
		unexpected("EventStore.ListEventItemChanges")
	}
	return s.ListEventItemChangesFn(ctx, eventID, since, limit)
}
