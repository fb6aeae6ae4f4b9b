package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// EventActivityKind names what happened to an event in its timeline.
type EventActivityKind string

// Event activity kinds: the API records what it changes, the lifecycle
// workflow its state changes and every per-participant provisioning step.
const (
	EventActivityCreated            EventActivityKind = "created"
	EventActivityUpdated            EventActivityKind = "updated"
	EventActivityDatesChanged       EventActivityKind = "dates_changed"
	EventActivityStateChanged       EventActivityKind = "state_changed"
	EventActivityParticipantAdded   EventActivityKind = "participant_added"
	EventActivityParticipantRemoved EventActivityKind = "participant_removed"
	EventActivityItemProvisioning   EventActivityKind = "item_provisioning"
	EventActivityItemReady          EventActivityKind = "item_ready"
	EventActivityItemFailed         EventActivityKind = "item_failed"
	EventActivityItemRemoved        EventActivityKind = "item_removed"
	// EventActivityConnections: Guacamole connections made, revoked or
	// deleted; EventActivityCourse: a phase of the Moodle course done or
	// failed.
	EventActivityConnections EventActivityKind = "connections"
	EventActivityCourse      EventActivityKind = "course"
)

// EventActivity is one entry of an event's timeline. ActorID is the user
// who made the change, nil for the platform (the lifecycle workflow);
// Actor is their username or "labforge". UserID is the participant the
// entry is about (their item, their joining), nil for the whole event.
// Details are JSON-shaped facts such as the new state or an item's
// machine and error.
type EventActivity struct {
	ID      string            `json:"id"`
	EventID uuid.UUID         `json:"event_id"`
	Time    time.Time         `json:"time"`
	Kind    EventActivityKind `json:"kind"`
	ActorID *uuid.UUID        `json:"actor_id"`
	Actor   string            `json:"actor"`
	UserID  *uuid.UUID        `json:"user_id"`
	Message string            `json:"message"`
	Details map[string]any    `json:"details,omitempty"`
}

// Validate checks the entry's event, kind and message.
func (a *EventActivity) Validate() error {
	var v Validator
	v.Check(a.EventID != uuid.Nil, "event_id", "must name an event")
	v.Check(a.Kind != "" && len(a.Kind) <= 50, "kind", "must name what happened, such as state_changed")
	v.Check(len(a.Message) <= 2000, "message", "must be at most 2000 characters")
	return v.Err()
}

// EventActivityFilter narrows ListEventActivity to one event, newest
// first unless OldestFirst. A non-nil VisibleTo keeps the entries about
// the whole event and those about that participant.
type EventActivityFilter struct {
	EventID     uuid.UUID
	VisibleTo   *uuid.UUID
	OldestFirst bool
	Page        Page
}

// EventActivityLog keeps the events' timelines.
type EventActivityLog interface {
	// RecordEventActivity appends a, assigning Time when zero and ID when
	// empty; an ID already stored is not added twice, so a retried
	// activity with a stable ID records once. KindInvalid for bad fields.
	RecordEventActivity(ctx context.Context, a *EventActivity) error
	// ListEventActivity returns the event's entries in f's order and the
	// cursor of the next page ("" at the end). A bad cursor is KindInvalid.
	ListEventActivity(ctx context.Context, f EventActivityFilter) ([]EventActivity, string, error)
}
