package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

var routeEventID = uuid.MustParse("0c7a1c0e-8888-4b7e-9c1e-2f6a8e1d0103")

// eventStart is when the events of these tests start: well ahead.
var eventStart = time.Now().Add(72 * time.Hour).Truncate(time.Second).UTC()

// validEventRequest is an event every check accepts.
func validEventRequest() map[string]any {
	return map[string]any{"name": "Networking 101, spring", "short_name": "net101", "description": "routers",
		"environment_id": routeEnvID, "starts_at": eventStart.Format(time.RFC3339),
		"ends_at": eventStart.Add(8 * time.Hour).Format(time.RFC3339)}
}

// storedEvent is owner's event in state.
func storedEvent(owner uuid.UUID, state domain.EventState) domain.Event {
	end := eventStart.Add(8 * time.Hour)
	return domain.Event{ID: routeEventID, Name: "Networking 101", ShortName: "net101", EnvironmentID: routeEnvID,
		OwnerID: owner, StartsAt: eventStart, EndsAt: &end, State: state}
}

// fakeEvents lets the fakes find the event (owned by the admin) in state,
// answer each user's role in it from roles, and store changes.
func fakeEvents(h *fakeAPI, state domain.EventState, roles map[uuid.UUID]string) {
	fakeEnvironments(h, h.admin.ID())
	fakeGroups(h)
	h.events.FindEventFn = finds(domain.ObjectEvent, routeEventID, storedEvent(h.admin.ID(), state))
	h.events.EventRoleFn = func(_ context.Context, event, user uuid.UUID) (string, error) {
		if event != routeEventID {
			return "", nil
		}
		return roles[user], nil
	}
	h.events.CreateEventFn = func(_ context.Context, e *domain.Event) error { e.ID = uuid.New(); return nil }
	h.events.UpdateEventFn = func(context.Context, *domain.Event) error { return nil }
	h.events.DeleteEventFn = func(context.Context, uuid.UUID) error { return nil }
	h.events.ListEventsFn = func(context.Context, domain.EventFilter) ([]domain.Event, string, error) {
		return []domain.Event{storedEvent(h.admin.ID(), state)}, "", nil
	}
	h.events.EventMembersFn = func(context.Context, uuid.UUID) ([]domain.EventMember, error) {
		var out []domain.EventMember
		for u, role := range roles {
			if role == "" {
				continue
			}
			out = append(out, domain.EventMember{UserID: u, Username: "u" + u.String()[:4], Email: "u@example.org", Role: role})
		}
		return out, nil
	}
	h.events.ListEventItemsFn = func(_ context.Context, _ uuid.UUID, user *uuid.UUID) ([]domain.EventItem, error) {
		var out []domain.EventItem
		for u := range roles {
			if user == nil || *user == u {
				out = append(out, domain.EventItem{EventID: routeEventID, UserID: u, Machine: "router", State: domain.ItemReady})
			}
		}
		return out, nil
	}
	h.events.ListParticipantsFn = func(context.Context, uuid.UUID) ([]domain.EventParticipant, error) { return nil, nil }
	h.events.ListEventGroupsFn = func(context.Context, uuid.UUID) ([]domain.EventGroup, error) { return nil, nil }
	h.events.AddParticipantFn = func(context.Context, *domain.EventParticipant) error { return nil }
	h.events.AddEventGroupFn = func(context.Context, *domain.EventGroup) error { return nil }
	h.events.RemoveParticipantFn = func(context.Context, uuid.UUID, uuid.UUID) error { return nil }
	h.events.RemoveEventGroupFn = func(context.Context, uuid.UUID, uuid.UUID) error { return nil }
}

func TestHandlerEventCreate(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventPlanned, nil)
	h.grant(h.instructor, domain.ObjectEnvironment, routeEnvID, domain.KeyRead)
	var stored *domain.Event
	h.events.CreateEventFn = func(_ context.Context, e *domain.Event) error { e.ID, stored = uuid.New(), e; return nil }
	start := h.expectStart(workflows.EventLifecycleType, nil)
	r := h.do(h.instructor, "POST", "/api/v1/events", with(validEventRequest(), map[string]any{"transition_period": "24h"}))
	r.requireStatus(t, http.StatusCreated)
	require.Equal(t, h.instructor.ID(), stored.OwnerID)
	require.Equal(t, domain.EventPlanned, stored.State)
	require.Equal(t, "net101", stored.ShortName)
	require.Nil(t, stored.LeadTime, "no lead time: the configured default")
	require.Equal(t, 24*time.Hour, *stored.TransitionPeriod)
	var view eventViewFields
	r.json(t, &view)
	require.Nil(t, view.LeadTime)
	require.Equal(t, "30m0s", view.EffectiveLeadTime)
	require.Equal(t, "24h0m0s", view.EffectiveTransitionPeriod)
	require.True(t, eventStart.Add(-30*time.Minute).Equal(view.DeployAt))
	require.Equal(t, []string{"event.create"}, h.auditActions())
	require.Equal(t, workflows.EventLifecycleWorkflowID(stored.ID), start.options.ID, "created events start their lifecycle")
	require.Equal(t, workflows.EventLifecycleInput{EventID: stored.ID}, start.input)

	h.expectStart(workflows.EventLifecycleType, nil)
	h.do(h.instructor, "POST", "/api/v1/events", with(validEventRequest(), map[string]any{"ends_at": nil})).requireStatus(t, http.StatusCreated)
	require.Nil(t, stored.EndsAt, "no end: runs until ended")
}

// eventViewFields is the part of api.EventView these tests read.
type eventViewFields struct {
	LeadTime                  *string   `json:"lead_time"`
	EffectiveLeadTime         string    `json:"effective_lead_time"`
	EffectiveTransitionPeriod string    `json:"effective_transition_period"`
	DeployAt                  time.Time `json:"deploy_at"`
}

func TestHandlerEventValidation(t *testing.T) {
	t.Parallel()
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		name    string
		changes map[string]any
		grant   bool
		fields  map[string]string
	}{
		{"start in the past", map[string]any{"starts_at": past, "ends_at": nil}, true, map[string]string{"starts_at": "future"}},
		{"end before start", map[string]any{"ends_at": eventStart.Add(-time.Hour).Format(time.RFC3339)}, true, map[string]string{"ends_at": "after starts_at"}},
		{"start not a time", map[string]any{"starts_at": "tomorrow"}, true, map[string]string{"starts_at": "such as"}},
		{"short name too long", map[string]any{"short_name": "networking"}, true, map[string]string{"short_name": "4-8"}},
		{"short name upper case", map[string]any{"short_name": "NET1"}, true, map[string]string{"short_name": ""}},
		{"lead time not a duration", map[string]any{"lead_time": "soon"}, true, map[string]string{"lead_time": "duration"}},
		{"lead time too long", map[string]any{"lead_time": "200h"}, true, map[string]string{"lead_time": "7 days"}},
		{"environment not readable", nil, false, map[string]string{"environment_id": "may read"}},
		{"unknown environment", map[string]any{"environment_id": uuid.New()}, true, map[string]string{"environment_id": "may read"}},
		{"missing fields", map[string]any{"name": nil, "short_name": nil, "environment_id": nil, "starts_at": nil, "ends_at": nil}, true,
			map[string]string{"name": "", "short_name": "", "environment_id": "", "starts_at": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEvents(h, domain.EventPlanned, nil)
			if tc.grant {
				h.grant(h.instructor, domain.ObjectEnvironment, uuid.Nil, domain.KeyRead)
			}
			h.do(h.instructor, "POST", "/api/v1/events", with(validEventRequest(), tc.changes)).requireFields(t, tc.fields)
			require.Empty(t, h.auditActions())
		})
	}
	t.Run("short name taken", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		fakeEvents(h, domain.EventPlanned, nil)
		h.grant(h.instructor, domain.ObjectEnvironment, routeEnvID, domain.KeyRead)
		h.events.CreateEventFn = func(context.Context, *domain.Event) error {
			return &domain.Error{Kind: domain.KindConflict, Message: `short name "net101" is already used by an event that is not decommissioned`,
				Fields: map[string]string{"short_name": "is already taken"}}
		}
		e := h.do(h.instructor, "POST", "/api/v1/events", validEventRequest()).requireStatus(t, http.StatusConflict)
		require.Contains(t, e.Fields, "short_name")
	})
}

// TestHandlerEventPermissions: instructors create; the owner, the event's
// instructors and administrators manage; its participants read it.
func TestHandlerEventPermissions(t *testing.T) {
	t.Parallel()
	path := "/api/v1/events/" + routeEventID.String()
	patch := map[string]any{"name": "Renamed"}
	addUser := func(h *fakeAPI) any { return map[string]any{"user_id": h.participant.ID()} }
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		role   string
		owner  bool
		method string
		path   string
		body   func(h *fakeAPI) any
		status int
	}{
		{"participant creates", participant, "", false, "POST", "/api/v1/events", nil, http.StatusForbidden},
		{"stranger reads", participant, "", false, "GET", path, nil, http.StatusNotFound},
		{"stranger reads the overview", instructor, "", false, "GET", path + "/overview", nil, http.StatusNotFound},
		{"participant reads", participant, domain.EventRoleParticipant, false, "GET", path, nil, http.StatusOK},
		{"participant reads the overview", participant, domain.EventRoleParticipant, false, "GET", path + "/overview", nil, http.StatusOK},
		{"participant changes", participant, domain.EventRoleParticipant, false, "PATCH", path, nil, http.StatusForbidden},
		{"participant lists participants", participant, domain.EventRoleParticipant, false, "GET", path + "/participants", nil, http.StatusForbidden},
		{"participant adds a participant", participant, domain.EventRoleParticipant, false, "POST", path + "/participants", addUser, http.StatusForbidden},
		{"participant deletes", participant, domain.EventRoleParticipant, false, "DELETE", path, nil, http.StatusForbidden},
		{"event instructor changes", participant, domain.EventRoleInstructor, false, "PATCH", path, nil, http.StatusOK},
		{"event instructor lists participants", participant, domain.EventRoleInstructor, false, "GET", path + "/participants", nil, http.StatusOK},
		{"event instructor adds a participant", participant, domain.EventRoleInstructor, false, "POST", path + "/participants", addUser, http.StatusOK},
		{"event instructor removes a participant", participant, domain.EventRoleInstructor, false, "DELETE", path + "/participants?user_id=" + routeUserID.String(), nil, http.StatusNoContent},
		{"event instructor deletes", participant, domain.EventRoleInstructor, false, "DELETE", path, nil, http.StatusForbidden},
		{"owner changes", instructor, "", true, "PATCH", path, nil, http.StatusOK},
		{"owner deletes", instructor, "", true, "DELETE", path, nil, http.StatusNoContent},
		{"admin changes", admin, "", false, "PATCH", path, nil, http.StatusOK},
		{"admin adds a participant", admin, "", false, "POST", path + "/participants", addUser, http.StatusOK},
		{"admin deletes", admin, "", false, "DELETE", path, nil, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			fakeEvents(h, domain.EventPlanned, map[uuid.UUID]string{c.ID(): tc.role})
			if tc.owner {
				h.grant(c, domain.ObjectEvent, routeEventID, domain.OwnerKeys[domain.ObjectEvent]...)
			}
			var body any = patch
			if tc.body != nil {
				body = tc.body(h)
			} else if tc.method != "PATCH" {
				body = nil
			}
			if tc.path == "/api/v1/events" {
				body = validEventRequest()
			}
			h.do(c, tc.method, tc.path, body).requireStatus(t, tc.status)
		})
	}
}

// TestHandlerEventChangesOnlyWhilePlanned: once deployed, the lifecycle
// workflow owns the event; it is deleted only when it holds nothing.
func TestHandlerEventChangesOnlyWhilePlanned(t *testing.T) {
	t.Parallel()
	path := "/api/v1/events/" + routeEventID.String()
	for _, tc := range []struct {
		state  domain.EventState
		method string
		path   string
		body   any
		status int
	}{
		{domain.EventRunning, "PATCH", path, map[string]any{"name": "x"}, http.StatusConflict},
		{domain.EventEnded, "POST", path + "/participants", map[string]any{"user_id": routeUserID}, http.StatusConflict},
		{domain.EventDecommissioning, "DELETE", path + "/participants?user_id=" + routeUserID.String(), nil, http.StatusConflict},
		{domain.EventRunning, "DELETE", path, nil, http.StatusConflict},
		{domain.EventEnded, "DELETE", path, nil, http.StatusConflict},
		{domain.EventDeployFailed, "DELETE", path, nil, http.StatusConflict},
		{domain.EventDecommissioned, "DELETE", path, nil, http.StatusNoContent},
		{domain.EventCancelled, "DELETE", path, nil, http.StatusNoContent},
	} {
		t.Run(string(tc.state)+" "+tc.method+" "+tc.path, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEvents(h, tc.state, nil)
			h.do(h.admin, tc.method, tc.path, tc.body).requireStatus(t, tc.status)
		})
	}
}

func TestHandlerEventUpdate(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventPlanned, nil)
	var stored *domain.Event
	h.events.UpdateEventFn = func(_ context.Context, e *domain.Event) error { stored = e; return nil }
	path := "/api/v1/events/" + routeEventID.String()
	h.expectStart(workflows.EventLifecycleType, nil)
	dates := h.expectUpdate(workflows.UpdateChangeDates, workflows.EventSummary{State: domain.EventPlanned}, nil)
	h.do(h.admin, "PATCH", path, map[string]any{"ends_at": nil, "lead_time": "2h", "description": "open end"}).requireStatus(t, http.StatusOK)
	require.True(t, dates.args[0].(workflows.ChangeDatesRequest).ClearEnd, "the lifecycle re-arms its timers")
	require.Equal(t, 2*time.Hour, *dates.args[0].(workflows.ChangeDatesRequest).LeadTime)
	require.Nil(t, stored.EndsAt)
	require.Equal(t, 2*time.Hour, *stored.LeadTime)
	require.Equal(t, "Networking 101", stored.Name, "an absent field keeps its value")
	require.Equal(t, "open end", stored.Description)
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	h.do(h.admin, "PATCH", path, map[string]any{"starts_at": past, "ends_at": nil}).requireFields(t, map[string]string{"starts_at": "future"})
	h.do(h.admin, "PATCH", path, map[string]any{"ends_at": eventStart.Add(-time.Minute).Format(time.RFC3339)}).
		requireFields(t, map[string]string{"ends_at": "after starts_at"})
	require.Equal(t, []string{"event.update"}, h.auditActions())
}

// TestHandlerEventOverview: managers see every member and item with the
// failures; a participant sees themself and their own items.
func TestHandlerEventOverview(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	other := uuid.New()
	fakeEvents(h, domain.EventRunning, map[uuid.UUID]string{h.participant.ID(): domain.EventRoleParticipant, other: domain.EventRoleParticipant})
	base := h.events.ListEventItemsFn
	h.events.ListEventItemsFn = func(ctx context.Context, id uuid.UUID, user *uuid.UUID) ([]domain.EventItem, error) {
		items, err := base(ctx, id, user)
		for i := range items {
			if items[i].UserID == other {
				items[i].State, items[i].LastError = domain.ItemFailed, "storage full"
			}
		}
		return items, err
	}
	path := "/api/v1/events/" + routeEventID.String() + "/overview"
	var all struct {
		Members    []domain.EventMember `json:"members"`
		Items      []domain.EventItem   `json:"items"`
		Failures   []domain.EventItem   `json:"failures"`
		ItemCounts map[string]int       `json:"item_counts"`
	}
	r := h.do(h.admin, "GET", path, nil)
	r.requireStatus(t, http.StatusOK)
	r.json(t, &all)
	require.Len(t, all.Members, 2)
	require.Len(t, all.Items, 2)
	require.Len(t, all.Failures, 1)
	require.Equal(t, "storage full", all.Failures[0].LastError)
	require.Equal(t, map[string]int{"ready": 1, "failed": 1}, all.ItemCounts)

	var mine struct {
		Members []domain.EventMember `json:"members"`
		Items   []domain.EventItem   `json:"items"`
	}
	r = h.do(h.participant, "GET", path, nil)
	r.requireStatus(t, http.StatusOK)
	r.json(t, &mine)
	require.Len(t, mine.Members, 1)
	require.Equal(t, h.participant.ID(), mine.Members[0].UserID)
	require.Len(t, mine.Items, 1)
	require.Equal(t, h.participant.ID(), mine.Items[0].UserID)
}

func TestHandlerEventParticipantRequests(t *testing.T) {
	t.Parallel()
	path := "/api/v1/events/" + routeEventID.String() + "/participants"
	t.Run("validation", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		fakeEvents(h, domain.EventPlanned, nil)
		h.do(h.admin, "POST", path, map[string]any{}).requireFields(t, map[string]string{"user_id": "either"})
		h.do(h.admin, "POST", path, map[string]any{"user_id": h.participant.ID(), "group_id": routeGroupID}).requireFields(t, map[string]string{"user_id": "either"})
		h.do(h.admin, "POST", path, map[string]any{"user_id": uuid.New()}).requireFields(t, map[string]string{"user_id": "existing user"})
		h.do(h.admin, "POST", path, map[string]any{"group_id": uuid.New()}).requireFields(t, map[string]string{"group_id": "existing group"})
		h.do(h.admin, "POST", path, map[string]any{"user_id": h.participant.ID(), "role": "guest"}).requireFields(t, map[string]string{"role": ""})
		h.do(h.admin, "DELETE", path, nil).requireFields(t, map[string]string{"user_id": "either"})
		h.do(h.admin, "DELETE", path+"?user_id=ann", nil).requireFields(t, map[string]string{"user_id": "user id"})
		require.Empty(t, h.auditActions())
	})
	t.Run("users and groups", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		fakeEvents(h, domain.EventPlanned, nil)
		var user *domain.EventParticipant
		var group *domain.EventGroup
		h.events.AddParticipantFn = func(_ context.Context, p *domain.EventParticipant) error { user = p; return nil }
		h.events.AddEventGroupFn = func(_ context.Context, g *domain.EventGroup) error { group = g; return nil }
		h.do(h.admin, "POST", path, map[string]any{"user_id": h.participant.ID()}).requireStatus(t, http.StatusOK)
		require.Equal(t, domain.EventRoleParticipant, user.Role, "participant by default")
		h.do(h.admin, "POST", path, map[string]any{"group_id": routeGroupID, "role": "instructor"}).requireStatus(t, http.StatusOK)
		require.Equal(t, routeGroupID, group.GroupID)
		require.Equal(t, domain.EventRoleInstructor, group.Role)
		var removed uuid.UUID
		h.events.RemoveEventGroupFn = func(_ context.Context, _, g uuid.UUID) error { removed = g; return nil }
		h.do(h.admin, "DELETE", path+"?group_id="+routeGroupID.String(), nil).requireStatus(t, http.StatusNoContent)
		require.Equal(t, routeGroupID, removed)
		require.Equal(t, []string{"event.participant.add", "event.group.add", "event.participant.remove"}, h.auditActions())
	})
}

// TestHandlerEventList: administrators list every event; others see those
// they own, were granted or take part in.
func TestHandlerEventList(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventPlanned, nil)
	var filter domain.EventFilter
	h.events.ListEventsFn = func(_ context.Context, f domain.EventFilter) ([]domain.Event, string, error) {
		filter = f
		return []domain.Event{storedEvent(h.admin.ID(), domain.EventPlanned)}, "", nil
	}
	h.do(h.admin, "GET", "/api/v1/events?state=planned", nil).requireStatus(t, http.StatusOK)
	require.Nil(t, filter.VisibleTo)
	require.Equal(t, domain.EventPlanned, filter.State)
	h.do(h.participant, "GET", "/api/v1/events", nil).requireStatus(t, http.StatusOK)
	require.Equal(t, h.participant.ID(), *filter.VisibleTo)
	h.do(h.admin, "GET", "/api/v1/events?state=scheduled", nil).requireFields(t, map[string]string{"state": ""})
}
