package workflows

import (
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// EventLifecycleType runs one event from planned to decommissioned.
var EventLifecycleType = Type{Name: "EventLifecycle", Queue: activities.QueueCore}

// EventLifecycleWorkflowID is the workflow ID of an event's lifecycle:
// event/<event-id>.
func EventLifecycleWorkflowID(eventID uuid.UUID) string { return "event/" + eventID.String() }

// EventStartOptions are the options the API starts an event's lifecycle
// with: an already running lifecycle is used as it is (starting is
// idempotent), and LabforgeEventId is set from the start.
func EventStartOptions(eventID uuid.UUID) client.StartWorkflowOptions {
	o := EventLifecycleType.StartOptions(EventLifecycleWorkflowID(eventID))
	o.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	o.WorkflowExecutionErrorWhenAlreadyStarted = false
	o.TypedSearchAttributes = temporal.NewSearchAttributes(temporalx.KeyEventID.ValueSet(eventID.String()))
	return o
}

// DefaultEventDeployConcurrency is how many VM workflows an event runs at
// once when its input does not say (LABFORGE_EVENT_DEPLOY_CONCURRENCY).
const DefaultEventDeployConcurrency = 20

// defaultEventHistoryLimit is the history length past which an event's
// lifecycle continues as new, when the server has not suggested it before.
const defaultEventHistoryLimit = 10000

// EventLifecycleInput starts (or continues) an event's lifecycle.
type EventLifecycleInput struct {
	EventID uuid.UUID `json:"event_id"`
	// DeployConcurrency bounds the event's VM workflows (clones, stops,
	// deletes) in flight; 0 means DefaultEventDeployConcurrency. It is an
	// input rather than worker tuning so that a replay schedules the
	// children in the order the original run did.
	DeployConcurrency int `json:"deploy_concurrency,omitempty"`
	// HistoryLimit is the history length past which the workflow
	// continues as new; 0 means defaultEventHistoryLimit.
	HistoryLimit int `json:"history_limit,omitempty"`
	// Carried is the state a continued run resumes; nil on the first run.
	Carried *EventLifecycleState `json:"carried,omitempty"`
}

// EventLifecycleState is everything an event's lifecycle knows, carried
// across continue-as-new.
type EventLifecycleState struct {
	Phase    domain.EventState         `json:"phase"`
	Event    activities.EventInfo      `json:"event"`
	Machines []activities.EventMachine `json:"machines,omitempty"`
	Members  []domain.EventMember      `json:"members,omitempty"`
	Items    []EventItemStatus         `json:"items,omitempty"`
	// EndedAt is when the event ended: the transition period runs from it.
	EndedAt         *time.Time `json:"ended_at,omitempty"`
	DeployRequested bool       `json:"deploy_requested,omitempty"`
	EndRequested    bool       `json:"end_requested,omitempty"`
	CancelRequested bool       `json:"cancel_requested,omitempty"`
	// EndingSoonSent is set once event.ending_soon went out; a new end
	// clears it.
	EndingSoonSent bool        `json:"ending_soon_sent,omitempty"`
	Notified       []uuid.UUID `json:"notified,omitempty"`
	// Integrations is set on lifecycles that make Guacamole connections
	// and keep a Moodle course (since changeEventIntegrations, decided at
	// deploy).
	Integrations bool `json:"integrations,omitempty"`
	// Course is the event's Moodle course.
	Course EventCourse `json:"course"`
}

// EventItemStatus is the workflow's view of one item: participant User's
// copy Index of Machine, and the VM record that currently serves it.
type EventItemStatus struct {
	User     uuid.UUID `json:"user"`
	Username string    `json:"username"`
	Machine  string    `json:"machine"`
	Index    int       `json:"index"`
	VM       uuid.UUID `json:"vm"`
	// HasRecord says VM's record exists (CreateEventVM succeeded), so
	// that a DeleteVM has something to delete.
	HasRecord bool                  `json:"has_record,omitempty"`
	State     domain.EventItemState `json:"state"`
	Error     string                `json:"error,omitempty"`
	Step      string                `json:"step,omitempty"`
	// Dropped marks an item whose participant left: it is torn down.
	Dropped bool `json:"dropped,omitempty"`
	// IPv4 is the VM's address once it is ready.
	IPv4 string `json:"ipv4,omitempty"`
	// ConnState and Connections are the item's Guacamole connections.
	ConnState   ConnState        `json:"conn_state,omitempty"`
	Connections []ItemConnection `json:"connections,omitempty"`

	// busy marks an item with a job queued or running, connBusy one whose
	// connections are being made; runs continue as new only when no item
	// is either, so they need no carrying.
	busy     bool
	connBusy bool
}

// EventSummary is what every Update and the summary query answer: the
// event's state, schedule and item counts.
type EventSummary struct {
	EventID      uuid.UUID                     `json:"event_id"`
	State        domain.EventState             `json:"state"`
	Schedule     activities.EventSchedule      `json:"schedule"`
	Items        map[domain.EventItemState]int `json:"items"`
	EndRequested bool                          `json:"end_requested,omitempty"`
}

// Names of the EventLifecycle workflow's Updates and query.
const (
	UpdateDeployNow         = "deploy-now"
	UpdateEndNow            = "end-now"
	UpdateChangeDates       = "change-dates"
	UpdateCancel            = "cancel"
	UpdateAddParticipant    = "add-participant"
	UpdateRemoveParticipant = "remove-participant"
	UpdateRetryFailed       = "retry-failed"
	QueryEventSummary       = "summary"
)

// ChangeDatesRequest is the change-dates Update's argument: the fields
// set are changed. ClearEnd makes the event run until ended.
type ChangeDatesRequest struct {
	StartsAt         *time.Time     `json:"starts_at,omitempty"`
	EndsAt           *time.Time     `json:"ends_at,omitempty"`
	ClearEnd         bool           `json:"clear_end,omitempty"`
	LeadTime         *time.Duration `json:"lead_time,omitempty"`
	TransitionPeriod *time.Duration `json:"transition_period,omitempty"`
}

// ParticipantChange is the argument of add-participant and
// remove-participant: the user whose participation changed (the API has
// already stored the change; the workflow resolves members again).
type ParticipantChange struct {
	UserID uuid.UUID `json:"user_id"`
	// GroupID is set instead when a group was added or removed.
	GroupID uuid.UUID `json:"group_id,omitempty"`
}
