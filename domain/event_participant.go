package domain

import (
	"time"

	"github.com/google/uuid"
)

// Roles within one event. Instructors win over participants when a user
// holds both (directly and through a group, say).
const (
	EventRoleParticipant = "participant"
	EventRoleInstructor  = "instructor"
)

func validEventRole(r string) bool { return r == EventRoleParticipant || r == EventRoleInstructor }

// EventParticipant is a user taking part in an event directly.
type EventParticipant struct {
	EventID uuid.UUID `json:"event_id"`
	UserID  uuid.UUID `json:"user_id"`
	Role    string    `json:"role"`
	AddedAt time.Time `json:"added_at"`
}

// Validate checks the participant's role.
func (p *EventParticipant) Validate() error {
	var v Validator
	v.Check(p.UserID != uuid.Nil, "user_id", "must name a user")
	v.Check(validEventRole(p.Role), "role", "must be participant or instructor")
	return v.Err()
}

// EventGroup is a group whose members take part in an event; membership
// is resolved when the event needs it (EventStore.EventMembers).
type EventGroup struct {
	EventID uuid.UUID `json:"event_id"`
	GroupID uuid.UUID `json:"group_id"`
	Role    string    `json:"role"`
	AddedAt time.Time `json:"added_at"`
}

// Validate checks the group's role.
func (g *EventGroup) Validate() error {
	var v Validator
	v.Check(g.GroupID != uuid.Nil, "group_id", "must name a group")
	v.Check(validEventRole(g.Role), "role", "must be participant or instructor")
	return v.Err()
}

// EventMember is a user an event resolves to: a direct participant or a
// member of one of its groups, with the strongest role they hold.
type EventMember struct {
	UserID      uuid.UUID `json:"user_id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Email       string    `json:"email"`
	Role        string    `json:"role"`
}
