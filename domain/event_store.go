package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// EventStore keeps events, who takes part in them, the environment each
// deployed, and the per-item results of their lifecycle workflow.
type EventStore interface {
	// CreateEvent stores e (state planned unless set) and grants its owner
	// OwnerKeys, assigning ID and timestamps. It returns KindInvalid for
	// invalid fields or an unknown environment or owner, and KindConflict
	// (field short_name) when a live event has the short name.
	CreateEvent(ctx context.Context, e *Event) error
	// FindEvent returns the event or KindNotFound.
	FindEvent(ctx context.Context, id uuid.UUID) (*Event, error)
	// ListEvents returns events ordered by start, and the cursor of the next page.
	ListEvents(ctx context.Context, f EventFilter) ([]Event, string, error)
	// UpdateEvent stores every field but the state; KindNotFound,
	// KindInvalid or KindConflict as CreateEvent.
	UpdateEvent(ctx context.Context, e *Event) error
	// SetEventState stores the event's state; KindNotFound or KindInvalid.
	SetEventState(ctx context.Context, id uuid.UUID, state EventState) error
	// DeleteEvent deletes the event, its participants, groups and items.
	// It returns KindNotFound, or KindConflict while VMs belong to it.
	DeleteEvent(ctx context.Context, id uuid.UUID) error

	// AddParticipant adds a user or changes their role; KindInvalid for an
	// unknown event or user.
	AddParticipant(ctx context.Context, p *EventParticipant) error
	// RemoveParticipant removes a user; KindNotFound when not taking part.
	RemoveParticipant(ctx context.Context, eventID, userID uuid.UUID) error
	// ListParticipants returns the direct participants in the order added;
	// KindNotFound for an unknown event.
	ListParticipants(ctx context.Context, eventID uuid.UUID) ([]EventParticipant, error)
	// AddEventGroup adds a group or changes its role; KindInvalid for an
	// unknown event or group.
	AddEventGroup(ctx context.Context, g *EventGroup) error
	// RemoveEventGroup removes a group; KindNotFound when not taking part.
	RemoveEventGroup(ctx context.Context, eventID, groupID uuid.UUID) error
	// ListEventGroups returns the event's groups in the order added;
	// KindNotFound for an unknown event.
	ListEventGroups(ctx context.Context, eventID uuid.UUID) ([]EventGroup, error)
	// EventMembers resolves the event's users: direct participants and
	// the members of its groups, each once, instructors winning over
	// participants, ordered by username. KindNotFound for an unknown event.
	EventMembers(ctx context.Context, eventID uuid.UUID) ([]EventMember, error)
	// EventRole is the role userID holds in the event, directly or through
	// a group ("" for none).
	EventRole(ctx context.Context, eventID, userID uuid.UUID) (string, error)

	// SnapshotEnvironment stores the event's environment as it is now,
	// once: later calls return the first snapshot. KindNotFound for an
	// unknown event.
	SnapshotEnvironment(ctx context.Context, eventID uuid.UUID) (*Environment, error)
	// EnvironmentSnapshot returns the stored snapshot, or nil when the
	// event has not deployed yet.
	EnvironmentSnapshot(ctx context.Context, eventID uuid.UUID) (*Environment, error)

	// UpsertEventItem stores the item's VM, state, error and step,
	// refreshing UpdatedAt; KindInvalid for bad fields or unknown keys.
	UpsertEventItem(ctx context.Context, it *EventItem) error
	// ListEventItems returns the event's items by participant, machine and
	// index, with their VM's state and IPv4. A non-nil userID keeps that
	// participant's only.
	ListEventItems(ctx context.Context, eventID uuid.UUID, userID *uuid.UUID) ([]EventItem, error)
	// ListEventItemChanges returns items changed after since, oldest change
	// first, at most limit: a timeline of provisioning.
	ListEventItemChanges(ctx context.Context, eventID uuid.UUID, since time.Time, limit int) ([]EventItem, error)
}
