package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// EventConnectionState is where a Guacamole connection Labforge made for
// an event stands.
type EventConnectionState string

// Event connection states: active (the participant may use it), revoked
// (the participant's READ permission was taken away at the end of the
// event) and deleted (the connection is gone from Guacamole).
const (
	ConnectionActive  EventConnectionState = "active"
	ConnectionRevoked EventConnectionState = "revoked"
	ConnectionDeleted EventConnectionState = "deleted"
)

// EventConnection is one Guacamole connection of an event: one per
// participant, VM and connection template (TemplatePosition among the
// VM's machine's connection templates).
type EventConnection struct {
	EventID          uuid.UUID `json:"event_id"`
	UserID           uuid.UUID `json:"user_id"`
	VMID             uuid.UUID `json:"vm_id"`
	TemplatePosition int       `json:"template_position"`
	// GuacamoleUser is the Guacamole username granted READ on it.
	GuacamoleUser string `json:"guacamole_user"`
	// GuacamoleID is Guacamole's identifier of the connection.
	GuacamoleID string `json:"guacamole_id"`
	Name        string `json:"name"`
	// URL opens the connection in the browser (Guacamole's client page);
	// empty for connections recorded before it was kept.
	URL       string               `json:"url"`
	State     EventConnectionState `json:"state"`
	UpdatedAt time.Time            `json:"updated_at"`
}

// EventConnectionStore keeps an event's Guacamole connections and its
// Moodle course, for the activities that make, revoke and delete them.
type EventConnectionStore interface {
	// RecordEventConnection stores c (keyed by event, VM and template
	// position), replacing the row of the same key, and sets UpdatedAt.
	// It returns KindInvalid for an unknown event, user or VM.
	RecordEventConnection(ctx context.Context, c *EventConnection) error
	// ListEventConnections returns the event's connections ordered by
	// VM and template position; a non-nil userID keeps that participant's.
	ListEventConnections(ctx context.Context, eventID uuid.UUID, userID *uuid.UUID) ([]EventConnection, error)
	// SetEventConnectionState moves one connection to state; an unknown
	// one is KindNotFound.
	SetEventConnectionState(ctx context.Context, eventID, vmID uuid.UUID, position int, state EventConnectionState) error
}

// EventCourseStore keeps the id of the Moodle course copied for an event.
type EventCourseStore interface {
	// SetEventMoodleCourse stores the event's course id; 0 clears it. An
	// unknown event is KindNotFound.
	SetEventMoodleCourse(ctx context.Context, eventID uuid.UUID, courseID int) error
	// EventMoodleCourse returns the event's course id, 0 when none is
	// stored. An unknown event is KindNotFound.
	EventMoodleCourse(ctx context.Context, eventID uuid.UUID) (int, error)
}
