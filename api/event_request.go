package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// EventRequest creates an event (POST: name, short_name, environment_id
// and starts_at required) or changes the fields it names (PATCH, while
// planned). Times are RFC 3339; durations are Go durations such as "45m"
// or "72h". ends_at, lead_time and transition_period may be null: no end
// (runs until ended) and the configured defaults. Force (administrators
// only) stores an event capacity planning refuses.
type EventRequest struct {
	Name             *string  `json:"name"`
	ShortName        *string  `json:"short_name"`
	Description      *string  `json:"description"`
	EnvironmentID    *string  `json:"environment_id"`
	StartsAt         *string  `json:"starts_at"`
	EndsAt           nullable `json:"ends_at"`
	LeadTime         nullable `json:"lead_time"`
	TransitionPeriod nullable `json:"transition_period"`
	Force            bool     `json:"force"`
}

// changesSchedule reports whether req moves the event's start, so the new
// start must lie in the future.
func (req *EventRequest) changesSchedule() bool { return req.StartsAt != nil }

// changesDemand reports whether req changes what capacity planning
// checks: the dates, the lead time or the environment.
func (req *EventRequest) changesDemand() bool {
	return req.StartsAt != nil || req.EndsAt.Set || req.LeadTime.Set || req.EnvironmentID != nil
}

// movesDates reports whether req changes any date of the schedule.
func (req *EventRequest) movesDates() bool {
	return req.StartsAt != nil || req.EndsAt.Set || req.LeadTime.Set || req.TransitionPeriod.Set
}

// applyEventRequest copies req's fields into e and validates the result.
func applyEventRequest(e *domain.Event, req *EventRequest) error {
	var v domain.Validator
	if req.Name != nil {
		e.Name = *req.Name
	}
	if req.ShortName != nil {
		e.ShortName = *req.ShortName
	}
	if req.Description != nil {
		e.Description = *req.Description
	}
	if req.EnvironmentID != nil {
		id, err := uuid.Parse(*req.EnvironmentID)
		v.Check(err == nil, "environment_id", "must be an environment id")
		e.EnvironmentID = id
	}
	if req.StartsAt != nil {
		t, err := time.Parse(time.RFC3339, *req.StartsAt)
		v.Check(err == nil, "starts_at", "must be a time such as 2026-03-01T09:00:00Z")
		e.StartsAt = t
	}
	if req.EndsAt.Set {
		e.EndsAt = nil
		if req.EndsAt.Value != nil {
			t, err := time.Parse(time.RFC3339, *req.EndsAt.Value)
			v.Check(err == nil, "ends_at", "must be a time such as 2026-03-01T17:00:00Z, or null for no end")
			e.EndsAt = &t
		}
	}
	e.LeadTime = durationField(&v, "lead_time", req.LeadTime, e.LeadTime)
	e.TransitionPeriod = durationField(&v, "transition_period", req.TransitionPeriod, e.TransitionPeriod)
	if err := v.Err(); err != nil {
		return mergeErrors(e.Validate(), err)
	}
	return e.Validate()
}

// durationField is the duration raw sets (nil for null), or old when raw
// is absent.
func durationField(v *domain.Validator, field string, raw nullable, old *time.Duration) *time.Duration {
	if !raw.Set {
		return old
	}
	if raw.Value == nil {
		return nil
	}
	d, err := time.ParseDuration(*raw.Value)
	v.Check(err == nil, field, "must be a duration such as 45m or 72h, or null for the configured default")
	return &d
}

// EventParticipantRequest adds a user or a group to an event (exactly one
// of user_id and group_id) in a role, participant by default.
type EventParticipantRequest struct {
	UserID  string `json:"user_id"`
	GroupID string `json:"group_id"`
	Role    string `json:"role"`
}
