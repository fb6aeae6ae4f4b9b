package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// systemReader is a participant granted read on the system, which the
// administrators' lists (system events, the audit log) require.
func systemReader(h *fakeAPI) *caller {
	h.grant(h.participant, domain.ObjectSystem, uuid.Nil, domain.KeyRead)
	return h.participant
}

// TestHandlerListSystemEvents checks who may read system events
// (administrators, or whoever holds read on the system), the query's
// validation, and that the filter reaches the log.
func TestHandlerListSystemEvents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		query  string
		status int
		fields map[string]string
		want   domain.SystemEventFilter
	}{
		{name: "participant", as: participant, status: http.StatusForbidden},
		{name: "instructor", as: instructor, status: http.StatusForbidden},
		{name: "instructor with a bad severity", as: instructor, query: "?severity=fatal", status: http.StatusForbidden},
		{name: "system reader", as: systemReader, status: http.StatusOK, want: domain.SystemEventFilter{Page: domain.Page{Limit: domain.DefaultPageLimit}}},
		{name: "admin filters", as: admin, query: "?kind=drift.orphan_guest&severity=warning&object_type=vm&object_id=lab/300&limit=3&cursor=c1",
			status: http.StatusOK, want: domain.SystemEventFilter{Kind: "drift.orphan_guest", Severity: domain.SeverityWarning,
				ObjectType: "vm", ObjectID: "lab/300", Page: domain.Page{Limit: 3, Cursor: "c1"}}},
		{name: "bad severity", as: admin, query: "?severity=fatal", fields: map[string]string{"severity": "must be info, warning or error"}},
		{name: "bad limit", as: admin, query: "?limit=x&severity=fatal", fields: map[string]string{"limit": "whole number"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			if tc.fields != nil {
				h.do(c, "GET", "/api/v1/system/events"+tc.query, nil).requireFields(t, tc.fields)
				return
			}
			var got domain.SystemEventFilter
			if tc.status == http.StatusOK {
				h.systemEvents.ListSystemEventsFn = func(_ context.Context, f domain.SystemEventFilter) ([]domain.SystemEvent, string, error) {
					got = f
					return []domain.SystemEvent{{ID: "ev-1", Time: time.Now(), Severity: domain.SeverityWarning, Kind: "drift.orphan_guest"}}, "", nil
				}
			}
			r := h.do(c, "GET", "/api/v1/system/events"+tc.query, nil)
			if tc.status == http.StatusForbidden {
				r.requireError(t, tc.status, domain.KindForbidden)
				return
			}
			require.Equal(t, tc.status, r.status, string(r.body))
			require.Equal(t, tc.want, got)
			require.Contains(t, string(r.body), `"ev-1"`)
		})
	}
}

// TestHandlerStartDiagnostics checks who may run diagnostics, the
// request's validation, and that the default queues are probed.
func TestHandlerStartDiagnostics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		body   any
		status int
		fields map[string]string
		queues []string // probed when accepted
	}{
		{name: "participant", as: participant, status: http.StatusForbidden},
		{name: "instructor", as: instructor, body: map[string]any{"queues": []string{"nonsense"}}, status: http.StatusForbidden},
		{name: "unknown queue", as: admin, body: map[string]any{"queues": []string{"core", "nonsense"}},
			fields: map[string]string{"queues": "must be task queues"}},
		{name: "repeated queue", as: admin, body: map[string]any{"queues": []string{"core", "core"}},
			fields: map[string]string{"queues": "must not repeat a queue"}},
		{name: "gateway queue without a site", as: admin, body: map[string]any{"queues": []string{activities.GatewayQueuePrefix}},
			fields: map[string]string{"queues": "must be task queues"}},
		{name: "pickup timeout too long", as: admin, body: map[string]any{"pickup_timeout_seconds": 601},
			fields: map[string]string{"pickup_timeout_seconds": "between 1 and 600"}},
		{name: "negative pickup timeout", as: admin, body: map[string]any{"pickup_timeout_seconds": -1, "queues": []string{"x"}},
			fields: map[string]string{"pickup_timeout_seconds": "", "queues": ""}},
		{name: "unknown field", as: admin, body: map[string]any{"queue": "core"}, fields: map[string]string{"queue": "is not a known field"}},
		{name: "default queues", as: admin, status: http.StatusAccepted, queues: activities.StandardQueues},
		{name: "chosen queues", as: admin, body: map[string]any{"queues": []string{"pve-clone", activities.GatewayQueuePrefix + "lab"}},
			status: http.StatusAccepted, queues: []string{"pve-clone", activities.GatewayQueuePrefix + "lab"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			var start *startCall
			if tc.status == http.StatusAccepted {
				h.operationsInMemory()
				start = h.expectStart(workflows.DiagnosticsType, nil)
			}
			r := h.do(c, "POST", "/api/v1/system/diagnostics", tc.body)
			switch {
			case tc.fields != nil:
				r.requireFields(t, tc.fields)
			case tc.status == http.StatusForbidden:
				r.requireError(t, tc.status, domain.KindForbidden)
			default:
				require.Equal(t, tc.status, r.status, string(r.body))
				require.Equal(t, tc.queues, start.input.(workflows.DiagnosticsInput).Queues)
				require.Equal(t, []string{"system.diagnostics"}, h.auditActions())
			}
		})
	}
}
