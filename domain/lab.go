package domain

import (
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Environment is an instructor's lab blueprint: the VM templates each
// participant gets, how they connect to them and, optionally, a Moodle
// template course.
type Environment struct {
	ID                   uuid.UUID            `json:"id"`
	Name                 string               `json:"name"`
	Description          string               `json:"description"`
	OwnerID              uuid.UUID            `json:"owner_id"`
	Machines             []EnvironmentMachine `json:"machines"`
	MoodleTemplateCourse int                  `json:"moodle_template_course,omitempty"`
	CreatedAt            time.Time            `json:"created_at"`
	UpdatedAt            time.Time            `json:"updated_at"`
}

// EnvironmentMachine is one VM every participant of an event receives.
type EnvironmentMachine struct {
	TemplateID uuid.UUID `json:"template_id"`
	Name       string    `json:"name"`
	Protocol   string    `json:"protocol"`
	Port       int       `json:"port"`
	Cores      int       `json:"cores,omitempty"`
	MemoryMB   int       `json:"memory_mb,omitempty"`
}

// Remote-desktop protocols Guacamole offers.
var connectionProtocols = map[string]int{"rdp": 3389, "vnc": 5900, "ssh": 22}

// Validate checks the environment and each of its machines.
func (e *Environment) Validate() error {
	var v Validator
	v.Check(ValidDisplayText(e.Name, 100), "name", "must be 1-100 printable characters")
	v.Check(len(e.Description) <= 5000, "description", "must be at most 5000 characters")
	v.Check(len(e.Machines) > 0, "machines", "must list at least one machine")
	names := map[string]bool{}
	for i, m := range e.Machines {
		field := "machines[" + strconv.Itoa(i) + "]"
		v.Check(m.TemplateID != uuid.Nil, field+".template_id", "must name a template")
		v.Check(ValidHostname(m.Name), field+".name", "must be a DNS label: lower-case letters, digits and inner hyphens")
		v.Check(!names[m.Name], field+".name", "is used by another machine of this environment")
		names[m.Name] = true
		_, ok := connectionProtocols[m.Protocol]
		v.Check(ok, field+".protocol", "must be one of rdp, vnc, ssh")
		v.Check(m.Port >= 0 && m.Port <= 65535, field+".port", "must be between 1 and 65535, or 0 for the protocol's default")
		v.Check(m.Cores >= 0 && m.Cores <= 128, field+".cores", "must be between 1 and 128, or 0 for the template's value")
		v.Check(m.MemoryMB >= 0 && m.MemoryMB <= 1<<20, field+".memory_mb", "must be between 1 and 1048576, or 0 for the template's value")
	}
	v.Check(e.MoodleTemplateCourse >= 0, "moodle_template_course", "must be a Moodle course id")
	return v.Err()
}

// EventState is where an event is in its lifecycle.
type EventState string

// Event states, in lifecycle order.
const (
	EventScheduled EventState = "scheduled"
	EventDeploying EventState = "deploying"
	EventRunning   EventState = "running"
	EventEnded     EventState = "ended"
	EventTornDown  EventState = "torn_down"
	EventCancelled EventState = "cancelled"
)

// Event is a time-boxed run of an environment for a group of participants.
type Event struct {
	ID               uuid.UUID     `json:"id"`
	Name             string        `json:"name"`
	EnvironmentID    uuid.UUID     `json:"environment_id"`
	OwnerID          uuid.UUID     `json:"owner_id"`
	StartsAt         time.Time     `json:"starts_at"`
	EndsAt           time.Time     `json:"ends_at"`
	LeadTime         time.Duration `json:"lead_time"`
	TransitionPeriod time.Duration `json:"transition_period"`
	State            EventState    `json:"state"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
}

// Validate checks the event's schedule.
func (e *Event) Validate() error {
	var v Validator
	v.Check(ValidDisplayText(e.Name, 200), "name", "must be 1-200 printable characters")
	v.Check(e.EnvironmentID != uuid.Nil, "environment_id", "must name an environment")
	v.Check(!e.StartsAt.IsZero(), "starts_at", "must be a time such as 2026-03-01T09:00:00Z")
	v.Check(e.EndsAt.After(e.StartsAt), "ends_at", "must be after starts_at")
	v.Check(e.LeadTime >= 0 && e.LeadTime <= 7*24*time.Hour, "lead_time", "must be between 0 and 7 days")
	v.Check(e.TransitionPeriod >= 0 && e.TransitionPeriod <= 90*24*time.Hour, "transition_period", "must be between 0 and 90 days")
	return v.Err()
}

// Participant roles within one event.
const (
	EventRoleParticipant = "participant"
	EventRoleInstructor  = "instructor"
)

// EventParticipant is a user taking part in an event.
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
	v.Check(p.Role == EventRoleParticipant || p.Role == EventRoleInstructor, "role", "must be participant or instructor")
	return v.Err()
}

// EnvironmentFilter narrows ListEnvironments. Zero fields match everything.
type EnvironmentFilter struct {
	OwnerID *uuid.UUID
	Page    Page
}

// EventFilter narrows ListEvents. Zero fields match everything.
type EventFilter struct {
	OwnerID       *uuid.UUID
	EnvironmentID *uuid.UUID
	// ParticipantID matches events the user takes part in.
	ParticipantID *uuid.UUID
	State         EventState
	Page          Page
}
