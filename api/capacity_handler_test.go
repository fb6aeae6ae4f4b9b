package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

var capacityNode = domain.CapacityNode{ID: uuid.MustParse("0c7a1c0e-8888-4b7e-9c1e-2f6a8e1d0201"), Name: "pve1",
	CloneSlots: 4, Storages: []string{"local-lvm"}, MemoryBytes: 64 << 30}

// plannedCapacity makes h's capacity store plan on capacityNode with
// others already planned, and give every event vms VMs of memGiB each on
// it, cloning in a minute: 40 VMs on 4 slots need 10 minutes.
func plannedCapacity(h *fakeAPI, vms int, memGiB int64, others ...domain.PlannedEvent) {
	h.capacity.CapacityNodesFn = func(context.Context) ([]domain.CapacityNode, error) {
		return []domain.CapacityNode{capacityNode}, nil
	}
	h.capacity.PlannedEventsFn = func(context.Context, time.Time, time.Time, time.Duration) ([]domain.PlannedEvent, error) {
		return others, nil
	}
	h.capacity.EventDemandFn = func(_ context.Context, e *domain.Event, lead time.Duration) (*domain.PlannedEvent, error) {
		return &domain.PlannedEvent{ID: e.ID, Name: e.Name, StartsAt: e.StartsAt, EndsAt: e.EndsAt,
			DeployAt: e.StartsAt.Add(-e.EffectiveLeadTime(domain.EventDefaults{LeadTime: lead})),
			Machines: []domain.MachineDemand{{TemplateID: uuid.New(), NodeID: capacityNode.ID, VMs: vms,
				MemoryBytes: memGiB << 30, CloneTime: time.Minute}}}, nil
	}
}

// bigEvent holds 60 GiB of capacityNode around eventStart, for ever.
func bigEvent() domain.PlannedEvent {
	return domain.PlannedEvent{ID: uuid.New(), Name: "big", DeployAt: eventStart.Add(-time.Hour), StartsAt: eventStart,
		Machines: []domain.MachineDemand{{NodeID: capacityNode.ID, VMs: 15, MemoryBytes: 4 << 30, CloneTime: time.Minute}}}
}

func TestHandlerEventCapacity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		as      func(h *fakeAPI) *caller
		vms     int
		memGiB  int64
		others  []domain.PlannedEvent
		changes map[string]any
		status  int
		field   string
		lead    string // the stored lead time, "" for none
	}{
		{"fits", instructor, 4, 1, nil, map[string]any{"lead_time": "5m"}, http.StatusCreated, "", "5m0s"},
		{"lead time too short", instructor, 40, 1, nil, map[string]any{"lead_time": "5m"}, http.StatusConflict, "lead_time", ""},
		{"no lead time: the required one when above the default", instructor, 200, 0, nil, nil, http.StatusCreated, "", "50m0s"},
		{"no lead time: the default when enough", instructor, 40, 1, nil, nil, http.StatusCreated, "", ""},
		{"memory overbooked", instructor, 2, 4, []domain.PlannedEvent{bigEvent()}, nil, http.StatusConflict, "starts_at", ""},
		{"start too soon", instructor, 40, 1, nil, map[string]any{"starts_at": time.Now().Add(3 * time.Minute).UTC().Format(time.RFC3339),
			"ends_at": nil, "lead_time": "1m"}, http.StatusConflict, "starts_at", ""},
		{"an instructor may not force", instructor, 40, 1, nil, map[string]any{"lead_time": "5m", "force": true}, http.StatusForbidden, "", ""},
		{"an administrator forces", admin, 2, 4, []domain.PlannedEvent{bigEvent()}, map[string]any{"force": true}, http.StatusCreated, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			fakeEvents(h, domain.EventPlanned, nil)
			h.grant(h.instructor, domain.ObjectEnvironment, routeEnvID, domain.KeyRead)
			plannedCapacity(h, tc.vms, tc.memGiB, tc.others...)
			var stored *domain.Event
			h.events.CreateEventFn = func(_ context.Context, e *domain.Event) error { e.ID, stored = uuid.New(), e; return nil }
			if tc.status == http.StatusCreated {
				h.expectStart(workflows.EventLifecycleType, nil)
			}
			r := h.do(tc.as(h), "POST", "/api/v1/events", with(validEventRequest(), tc.changes))
			e := r.requireStatus(t, tc.status)
			if tc.field != "" {
				require.Contains(t, e.Fields, tc.field, "%s", r.body)
				require.Nil(t, stored)
				return
			}
			if tc.status != http.StatusCreated {
				return
			}
			require.NotNil(t, stored)
			var view struct {
				LeadTime         *string `json:"lead_time"`
				RequiredLeadTime string  `json:"required_lead_time"`
			}
			r.json(t, &view)
			if tc.lead == "" {
				require.Nil(t, stored.LeadTime)
			} else {
				require.Equal(t, tc.lead, stored.LeadTime.String())
			}
			require.NotEmpty(t, view.RequiredLeadTime)
			require.Len(t, h.timeline, 1)
			require.Equal(t, domain.EventActivityCreated, h.timeline[0].Kind)
		})
	}
}

// TestHandlerEventPatchCapacity: moving a planned event's start is checked
// like creating it; renaming it is not.
func TestHandlerEventPatchCapacity(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventPlanned, nil)
	plannedCapacity(h, 2, 4, bigEvent())
	path := "/api/v1/events/" + routeEventID.String()
	e := h.do(h.admin, "PATCH", path, map[string]any{"starts_at": eventStart.Add(time.Hour).Format(time.RFC3339)}).
		requireStatus(t, http.StatusConflict)
	require.Contains(t, e.Fields["starts_at"], "overbooks memory")
	h.do(h.admin, "PATCH", path, map[string]any{"name": "Renamed"}).requireStatus(t, http.StatusOK)
	h.expectStart(workflows.EventLifecycleType, nil) // a planned event's lifecycle is started if it has none
	h.expectUpdate(workflows.UpdateChangeDates, workflows.EventSummary{State: domain.EventPlanned}, nil)
	h.do(h.admin, "PATCH", path, map[string]any{"starts_at": eventStart.Add(time.Hour).Format(time.RFC3339), "force": true}).
		requireStatus(t, http.StatusOK)
	kinds := []domain.EventActivityKind{}
	for _, a := range h.timeline {
		kinds = append(kinds, a.Kind)
	}
	require.Equal(t, []domain.EventActivityKind{domain.EventActivityUpdated, domain.EventActivityDatesChanged}, kinds)
}

func TestHandlerCapacity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		query  string
		status int
	}{
		{"admin", admin, "", http.StatusOK},
		{"instructor, a window", instructor, "?from=" + eventStart.Add(-2*time.Hour).Format(time.RFC3339) + "&to=" + eventStart.Add(time.Hour).Format(time.RFC3339), http.StatusOK},
		{"participant", participant, "", http.StatusForbidden},
		{"bad from", admin, "?from=yesterday", http.StatusBadRequest},
		{"to before from", admin, "?from=" + eventStart.Format(time.RFC3339) + "&to=" + eventStart.Add(-time.Hour).Format(time.RFC3339), http.StatusBadRequest},
		{"too long", admin, "?to=" + time.Now().Add(100*24*time.Hour).UTC().Format(time.RFC3339), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			plannedCapacity(h, 1, 1, bigEvent())
			r := h.do(tc.as(h), "GET", "/api/v1/capacity"+tc.query, nil)
			r.requireStatus(t, tc.status)
			if tc.status != http.StatusOK || !strings.Contains(tc.query, "from=") {
				return
			}
			var view struct {
				CloneSlots int `json:"clone_slots"`
				Nodes      []struct {
					Points []struct {
						VMs         int   `json:"planned_vms"`
						MemoryBytes int64 `json:"planned_memory_bytes"`
					} `json:"points"`
				} `json:"nodes"`
				Events []struct {
					VMs              int    `json:"vms"`
					RequiredLeadTime string `json:"required_lead_time"`
				} `json:"events"`
			}
			r.json(t, &view)
			require.Equal(t, 4, view.CloneSlots)
			require.Len(t, view.Nodes, 1)
			require.Len(t, view.Nodes[0].Points, 2, "empty, then the big event from its deploy")
			require.Equal(t, int64(60<<30), view.Nodes[0].Points[1].MemoryBytes)
			require.Equal(t, 15, view.Events[0].VMs)
			require.Equal(t, "4m0s", view.Events[0].RequiredLeadTime)
		})
	}
}

// TestHandlerEventTimeline: whoever reads the event reads its timeline,
// with the participants the API added; a participant only the entries
// about the whole event and about themself.
func TestHandlerEventTimeline(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventPlanned, map[uuid.UUID]string{h.participant.ID(): domain.EventRoleParticipant})
	path := "/api/v1/events/" + routeEventID.String()
	h.do(h.admin, "POST", path+"/participants", map[string]any{"user_id": h.participant.ID()}).requireStatus(t, http.StatusOK)
	h.do(h.admin, "DELETE", path+"/participants?user_id="+h.participant.ID().String(), nil).requireStatus(t, http.StatusNoContent)
	h.do(h.admin, "POST", path+"/participants", map[string]any{"user_id": h.instructor.ID()}).requireStatus(t, http.StatusOK)

	var page struct {
		Items []domain.EventActivity `json:"items"`
	}
	h.do(h.participant, "GET", path+"/timeline?order=oldest", nil).json(t, &page)
	require.Len(t, page.Items, 2)
	require.Equal(t, domain.EventActivityParticipantAdded, page.Items[0].Kind)
	require.Equal(t, domain.EventActivityParticipantRemoved, page.Items[1].Kind)
	require.Equal(t, "admin", page.Items[0].Actor)
	require.Equal(t, h.participant.ID(), *page.Items[0].UserID, "a participant sees the entries about themself, not others'")
	h.do(h.admin, "GET", path+"/timeline", nil).json(t, &page)
	require.Len(t, page.Items, 3, "those who manage the event see every entry")

	h.do(h.instructor, "GET", path+"/timeline", nil).requireStatus(t, http.StatusNotFound)
	h.do(h.admin, "GET", path+"/timeline?order=sideways", nil).requireStatus(t, http.StatusBadRequest)
}

// TestHandlerParticipantsLengthenTheLeadTime: when participants join an
// event that then needs more than its lead time, it gets the lead time it
// needs.
func TestHandlerParticipantsLengthenTheLeadTime(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	fakeEvents(h, domain.EventPlanned, nil)
	plannedCapacity(h, 200, 0)
	var stored *domain.Event
	h.events.UpdateEventFn = func(_ context.Context, e *domain.Event) error { stored = e; return nil }
	path := "/api/v1/events/" + routeEventID.String()
	h.do(h.admin, "POST", path+"/participants", map[string]any{"user_id": h.participant.ID()}).requireStatus(t, http.StatusOK)
	require.NotNil(t, stored)
	require.Equal(t, 50*time.Minute, *stored.LeadTime, "200 VMs on 4 slots: 50 rounds of a minute")
	require.Equal(t, []string{"event.participant.add", "event.update"}, h.auditActions())
	require.Equal(t, domain.EventActivityDatesChanged, h.timeline[len(h.timeline)-1].Kind)

	stored = nil
	plannedCapacity(h, 4, 0)
	h.do(h.admin, "POST", path+"/participants", map[string]any{"user_id": h.instructor.ID()}).requireStatus(t, http.StatusOK)
	require.Nil(t, stored, "the default lead time is enough")
}
