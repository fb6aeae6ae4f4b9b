package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// EventView is an event as the API shows it, with the lead time and
// transition period that apply (its own or the configured defaults), when
// provisioning starts and, on a single planned event, the lead time
// capacity planning computes it needs (RequiredLeadTime).
type EventView struct {
	ID                        uuid.UUID         `json:"id"`
	Name                      string            `json:"name"`
	ShortName                 string            `json:"short_name"`
	Description               string            `json:"description"`
	EnvironmentID             uuid.UUID         `json:"environment_id"`
	OwnerID                   uuid.UUID         `json:"owner_id"`
	StartsAt                  time.Time         `json:"starts_at"`
	EndsAt                    *time.Time        `json:"ends_at"`
	LeadTime                  *string           `json:"lead_time"`
	TransitionPeriod          *string           `json:"transition_period"`
	EffectiveLeadTime         string            `json:"effective_lead_time"`
	EffectiveTransitionPeriod string            `json:"effective_transition_period"`
	DeployAt                  time.Time         `json:"deploy_at"`
	RequiredLeadTime          *string           `json:"required_lead_time,omitempty"`
	State                     domain.EventState `json:"state"`
	CreatedAt                 time.Time         `json:"created_at"`
	UpdatedAt                 time.Time         `json:"updated_at"`
}

func durationString(d *time.Duration) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

// eventView shows e with defaults filled in from d.
func eventView(e *domain.Event, d domain.EventDefaults) EventView {
	lead := e.EffectiveLeadTime(d)
	return EventView{ID: e.ID, Name: e.Name, ShortName: e.ShortName, Description: e.Description,
		EnvironmentID: e.EnvironmentID, OwnerID: e.OwnerID, StartsAt: e.StartsAt, EndsAt: e.EndsAt,
		LeadTime: durationString(e.LeadTime), TransitionPeriod: durationString(e.TransitionPeriod),
		EffectiveLeadTime: lead.String(), EffectiveTransitionPeriod: e.EffectiveTransitionPeriod(d).String(),
		DeployAt: e.StartsAt.Add(-lead), State: e.State, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

// EventParticipants is who takes part in an event: the users and groups
// added to it, and the users they resolve to now.
type EventParticipants struct {
	Users   []domain.EventParticipant `json:"users"`
	Groups  []domain.EventGroup       `json:"groups"`
	Members []domain.EventMember      `json:"members"`
}

// EventOverview is the per-event view: the event, its resolved members,
// every item (one per participant, machine and index, with its VM's state
// and IPv4), the failed ones, counts by item state, and the Guacamole
// connections (one per participant, VM and connection template, with the
// URL that opens it). A caller who only
// takes part sees themself and their own items.
type EventOverview struct {
	Event       EventView                     `json:"event"`
	Members     []domain.EventMember          `json:"members"`
	Items       []domain.EventItem            `json:"items"`
	Failures    []domain.EventItem            `json:"failures"`
	ItemCounts  map[domain.EventItemState]int `json:"item_counts"`
	Connections []domain.EventConnection      `json:"connections"`
}

// newEventOverview assembles the overview from the stored parts.
func newEventOverview(view EventView, members []domain.EventMember, items []domain.EventItem) EventOverview {
	o := EventOverview{Event: view, Members: nonNil(members), Items: nonNil(items), Failures: []domain.EventItem{},
		ItemCounts: map[domain.EventItemState]int{}}
	for _, it := range items {
		o.ItemCounts[it.State]++
		if it.State == domain.ItemFailed {
			o.Failures = append(o.Failures, it)
		}
	}
	return o
}
