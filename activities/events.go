package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// Events holds the EventLifecycle workflow's PostgreSQL activities
// (queue core): the event's schedule and state, its environment snapshot
// and members, the VM records it creates and its per-item results.
type Events struct {
	Events    domain.EventStore
	VMs       domain.VMStore
	Templates domain.TemplateStore
	// Defaults are the configured lead time and transition period of
	// events that do not set their own.
	Defaults domain.EventDefaults
}

func (e *Events) validate() error {
	if e.Events == nil || e.VMs == nil || e.Templates == nil {
		return fmt.Errorf("event activities need event, VM and template stores")
	}
	return nil
}

// EventInfo is what the lifecycle workflow knows of its event: who it is
// for people, and its effective schedule.
type EventInfo struct {
	ID        uuid.UUID         `json:"id"`
	Name      string            `json:"name"`
	ShortName string            `json:"short_name"`
	OwnerID   uuid.UUID         `json:"owner_id"`
	State     domain.EventState `json:"state"`
	Schedule  EventSchedule     `json:"schedule"`
}

// EventSchedule is an event's dates with the defaults filled in.
type EventSchedule struct {
	StartsAt         time.Time     `json:"starts_at"`
	EndsAt           *time.Time    `json:"ends_at,omitempty"`
	LeadTime         time.Duration `json:"lead_time"`
	TransitionPeriod time.Duration `json:"transition_period"`
}

// LoadEvent reads the event and its effective schedule.
func (e *Events) LoadEvent(ctx context.Context, id uuid.UUID) (EventInfo, error) {
	ev, err := e.Events.FindEvent(ctx, id)
	if err != nil {
		return EventInfo{}, classify(err)
	}
	return EventInfo{ID: ev.ID, Name: ev.Name, ShortName: ev.ShortName, OwnerID: ev.OwnerID, State: ev.State,
		Schedule: EventSchedule{StartsAt: ev.StartsAt, EndsAt: ev.EndsAt,
			LeadTime: ev.EffectiveLeadTime(e.Defaults), TransitionPeriod: ev.EffectiveTransitionPeriod(e.Defaults)}}, nil
}

// EventStateChange is a new lifecycle state of an event.
type EventStateChange struct {
	Event uuid.UUID         `json:"event"`
	State domain.EventState `json:"state"`
}

// SetEventState stores the event's lifecycle state.
func (e *Events) SetEventState(ctx context.Context, c EventStateChange) error {
	return classify(e.Events.SetEventState(ctx, c.Event, c.State))
}

// EventScheduleChange is what a change-dates Update changed: only the
// fields set are stored.
type EventScheduleChange struct {
	Event            uuid.UUID      `json:"event"`
	StartsAt         *time.Time     `json:"starts_at,omitempty"`
	EndsAt           *time.Time     `json:"ends_at,omitempty"`
	ClearEnd         bool           `json:"clear_end,omitempty"`
	LeadTime         *time.Duration `json:"lead_time,omitempty"`
	TransitionPeriod *time.Duration `json:"transition_period,omitempty"`
}

// StoreEventSchedule stores the dates a change-dates Update changed,
// leaving the others as they are.
func (e *Events) StoreEventSchedule(ctx context.Context, c EventScheduleChange) error {
	ev, err := e.Events.FindEvent(ctx, c.Event)
	if err != nil {
		return classify(err)
	}
	if c.StartsAt != nil {
		ev.StartsAt = *c.StartsAt
	}
	if c.ClearEnd {
		ev.EndsAt = nil
	}
	if c.EndsAt != nil {
		ev.EndsAt = c.EndsAt
	}
	if c.LeadTime != nil {
		ev.LeadTime = c.LeadTime
	}
	if c.TransitionPeriod != nil {
		ev.TransitionPeriod = c.TransitionPeriod
	}
	return classify(e.Events.UpdateEvent(ctx, ev))
}

// EventMachine is one machine of an event's environment snapshot, as the
// workflow provisions it.
type EventMachine struct {
	Name       string           `json:"name"`
	TemplateID uuid.UUID        `json:"template_id"`
	Count      int              `json:"count"`
	CloneMode  domain.CloneMode `json:"clone_mode"`
	Cores      int              `json:"cores,omitempty"`
	MemoryMB   int              `json:"memory_mb,omitempty"`
	// Connections are the machine's connection templates (passwords
	// sealed): each of the machine's VMs gets one Guacamole connection per
	// template for its participant.
	Connections []domain.ConnectionTemplate `json:"connections,omitempty"`
}

// SnapshotEventEnvironment snapshots the event's environment (once: later
// calls return the first snapshot) and returns its machines.
func (e *Events) SnapshotEventEnvironment(ctx context.Context, id uuid.UUID) ([]EventMachine, error) {
	env, err := e.Events.SnapshotEnvironment(ctx, id)
	if err != nil {
		return nil, classify(err)
	}
	out := make([]EventMachine, len(env.Machines))
	for i, m := range env.Machines {
		out[i] = EventMachine{Name: m.Name, TemplateID: m.TemplateID, Count: m.Count, CloneMode: m.CloneMode,
			Cores: m.Cores, MemoryMB: m.MemoryMB, Connections: m.Connections}
	}
	return out, nil
}

// ResolveEventMembers resolves the event's users now: direct participants
// and its groups' members, each once with their strongest role.
func (e *Events) ResolveEventMembers(ctx context.Context, id uuid.UUID) ([]domain.EventMember, error) {
	ms, err := e.Events.EventMembers(ctx, id)
	return ms, classify(err)
}

// EventVMRequest asks for the VM record of one event item: participant
// User's copy number Index of Machine, with the id the workflow drew.
type EventVMRequest struct {
	VM        uuid.UUID    `json:"vm"`
	Event     uuid.UUID    `json:"event"`
	ShortName string       `json:"short_name"`
	Creator   uuid.UUID    `json:"creator"`
	User      uuid.UUID    `json:"user"`
	Username  string       `json:"username"`
	Machine   EventMachine `json:"machine"`
	Index     int          `json:"index"`
}

// CreateEventVM creates the VM record (state pending) of an event item,
// owned by the participant and readable by the event's owner. It is
// idempotent: a record with the requested id is left as it is.
func (e *Events) CreateEventVM(ctx context.Context, r EventVMRequest) error {
	if _, err := e.VMs.FindVM(ctx, r.VM); err == nil {
		return nil
	} else if !domain.IsKind(err, domain.KindNotFound) {
		return classify(err)
	}
	tpl, err := e.Templates.FindTemplate(ctx, r.Machine.TemplateID)
	if err != nil {
		return classify(err)
	}
	event := r.Event
	vm := &domain.VM{ID: r.VM, Name: EventVMName(r.ShortName, r.Username, r.Machine.Name, r.Index), OwnerID: r.User,
		EventID: &event, TemplateID: tpl.ID, Cluster: tpl.Cluster, Linked: r.Machine.CloneMode == domain.CloneLinked,
		Cores: r.Machine.Cores, MemoryMB: r.Machine.MemoryMB, State: domain.GuestPending, Power: domain.PowerUnknown}
	if vm.Cores == 0 {
		vm.Cores = tpl.Cores
	}
	if vm.MemoryMB == 0 {
		vm.MemoryMB = tpl.MemoryMB
	}
	return classify(e.VMs.CreateVMWithOwner(ctx, vm, r.Creator))
}

// RecordEventItem stores an item's VM, state, error and step.
func (e *Events) RecordEventItem(ctx context.Context, it domain.EventItem) error {
	return classify(e.Events.UpsertEventItem(ctx, &it))
}

// EventVMName is the name of an event VM: the event's short name, the
// participant's username and the machine with its number, made a DNS
// label ("linux1-alice-dc1-2").
func EventVMName(shortName, username, machine string, index int) string {
	user := labelPart(username, 20)
	if user == "" {
		user = "user"
	}
	return fmt.Sprintf("%s-%s-%s-%d", labelPart(shortName, 8), user, labelPart(machine, 20), index+1)
}

// labelPart lower-cases s, turns every character outside [a-z0-9] into a
// hyphen and trims it to n characters without outer hyphens.
func labelPart(s string, n int) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			b[i] = '-'
		}
	}
	if len(b) > n {
		b = b[:n]
	}
	return strings.Trim(string(b), "-")
}
