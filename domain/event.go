package domain

import (
	"regexp"
	"time"

	"github.com/google/uuid"
)

// EventState is where an event is in its lifecycle.
type EventState string

// Event states, in lifecycle order: planned → deploying → ready → running
// → ended → decommissioning → decommissioned; cancelled before deploy;
// deploy_failed when nothing could be deployed.
const (
	EventPlanned         EventState = "planned"
	EventDeploying       EventState = "deploying"
	EventReady           EventState = "ready"
	EventRunning         EventState = "running"
	EventEnded           EventState = "ended"
	EventDecommissioning EventState = "decommissioning"
	EventDecommissioned  EventState = "decommissioned"
	EventCancelled       EventState = "cancelled"
	EventDeployFailed    EventState = "deploy_failed"
)

// EventStates lists every state, in lifecycle order.
var EventStates = []EventState{EventPlanned, EventDeploying, EventReady, EventRunning, EventEnded,
	EventDecommissioning, EventDecommissioned, EventCancelled, EventDeployFailed}

// Deletable reports whether an event in state s may be deleted: it holds
// nothing on Proxmox, Guacamole or Moodle (never deployed, or torn down).
func (s EventState) Deletable() bool {
	return s == EventPlanned || s == EventDecommissioned || s == EventCancelled
}

// Limits of an event's schedule.
const (
	MaxLeadTime         = 7 * 24 * time.Hour
	MaxTransitionPeriod = 90 * 24 * time.Hour
)

var shortNamePattern = regexp.MustCompile(`^[a-z0-9_-]{4,8}$`)

// ValidShortName reports whether s is 4-8 of [a-z0-9_-].
func ValidShortName(s string) bool { return shortNamePattern.MatchString(s) }

// Event is a time-boxed run of an environment for its participants.
// A nil EndsAt runs until ended; a nil LeadTime or TransitionPeriod means
// the configured default (see EventDefaults).
type Event struct {
	ID uuid.UUID `json:"id"`
	// Name is for people; ShortName (unique among live events) is part of
	// every VM name.
	Name             string         `json:"name"`
	ShortName        string         `json:"short_name"`
	Description      string         `json:"description"`
	EnvironmentID    uuid.UUID      `json:"environment_id"`
	OwnerID          uuid.UUID      `json:"owner_id"`
	StartsAt         time.Time      `json:"starts_at"`
	EndsAt           *time.Time     `json:"ends_at"`
	LeadTime         *time.Duration `json:"lead_time"`
	TransitionPeriod *time.Duration `json:"transition_period"`
	State            EventState     `json:"state"`
	CreatedAt        time.Time      `json:"created_at"`
	UpdatedAt        time.Time      `json:"updated_at"`
}

// EventDefaults are the configured lead time and transition period of
// events that do not set their own.
type EventDefaults struct {
	LeadTime         time.Duration
	TransitionPeriod time.Duration
}

// EffectiveLeadTime is the event's lead time, or the default.
func (e *Event) EffectiveLeadTime(d EventDefaults) time.Duration {
	if e.LeadTime != nil {
		return *e.LeadTime
	}
	return d.LeadTime
}

// EffectiveTransitionPeriod is the event's transition period, or the default.
func (e *Event) EffectiveTransitionPeriod(d EventDefaults) time.Duration {
	if e.TransitionPeriod != nil {
		return *e.TransitionPeriod
	}
	return d.TransitionPeriod
}

// Validate checks the event's fields and schedule (not that the start is
// in the future: see ValidateNewSchedule).
func (e *Event) Validate() error {
	var v Validator
	v.Check(ValidDisplayText(e.Name, 200), "name", "must be 1-200 printable characters")
	v.Check(ValidShortName(e.ShortName), "short_name", "must be 4-8 characters: lower-case letters, digits, '_' or '-'")
	v.Check(len(e.Description) <= 5000, "description", "must be at most 5000 characters")
	v.Check(e.EnvironmentID != uuid.Nil, "environment_id", "must name an environment")
	v.Check(!e.StartsAt.IsZero(), "starts_at", "must be a time such as 2026-03-01T09:00:00Z")
	v.Check(e.EndsAt == nil || e.EndsAt.After(e.StartsAt), "ends_at", "must be after starts_at")
	v.Check(e.LeadTime == nil || (*e.LeadTime >= 0 && *e.LeadTime <= MaxLeadTime), "lead_time", "must be between 0 and 7 days")
	v.Check(e.TransitionPeriod == nil || (*e.TransitionPeriod >= 0 && *e.TransitionPeriod <= MaxTransitionPeriod),
		"transition_period", "must be between 0 and 90 days")
	return v.Err()
}

// ValidateNewSchedule checks what a planned event's dates must satisfy
// when they are set at now: the start is in the future.
func (e *Event) ValidateNewSchedule(now time.Time) error {
	var v Validator
	v.Check(e.StartsAt.After(now), "starts_at", "must be in the future")
	return v.Err()
}

// EventFilter narrows ListEvents. Zero fields match everything.
type EventFilter struct {
	OwnerID       *uuid.UUID
	EnvironmentID *uuid.UUID
	// ParticipantID matches events the user takes part in, directly or
	// through a group, in any role.
	ParticipantID *uuid.UUID
	// VisibleTo matches events the user owns, holds a permission on or
	// takes part in.
	VisibleTo *uuid.UUID
	State     EventState
	Page      Page
}
