package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// TestHandlerListAudit checks who may read the audit log (administrators,
// or whoever holds read on the system), the query's validation, and that
// the filter reaches the log.
func TestHandlerListAudit(t *testing.T) {
	t.Parallel()
	actor := uuid.MustParse("0190b2a4-0000-7000-8000-000000000001")
	since := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	until := time.Date(2026, 3, 2, 9, 30, 0, 0, time.FixedZone("", 3600))
	defaults := domain.Page{Limit: domain.DefaultPageLimit}
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		query  string
		status int
		fields map[string]string
		want   domain.AuditFilter
	}{
		{name: "participant", as: participant, status: http.StatusForbidden},
		{name: "instructor", as: instructor, status: http.StatusForbidden},
		{name: "instructor with a bad time", as: instructor, query: "?since=yesterday", status: http.StatusForbidden},
		{name: "system reader", as: systemReader, status: http.StatusOK, want: domain.AuditFilter{Page: defaults}},
		{name: "actor by id", as: admin, query: "?actor=" + actor.String(), status: http.StatusOK,
			want: domain.AuditFilter{ActorID: &actor, Page: defaults}},
		{name: "actor by username", as: admin, query: "?actor=ada", status: http.StatusOK,
			want: domain.AuditFilter{ActorName: "ada", Page: defaults}},
		{name: "every filter", as: admin,
			query:  "?object_type=vm&object_id=v1&action=vm.start&since=2026-03-01T09:00:00Z&until=2026-03-02T09:30:00%2B01:00&limit=3&cursor=c1",
			status: http.StatusOK, want: domain.AuditFilter{ObjectType: "vm", ObjectID: "v1", Action: "vm.start",
				Since: since, Until: until, Page: domain.Page{Limit: 3, Cursor: "c1"}}},
		{name: "bad since", as: admin, query: "?since=2026-03-01", fields: map[string]string{"since": "must be a time such as"}},
		{name: "bad until", as: admin, query: "?until=tomorrow&since=x",
			fields: map[string]string{"until": "must be a time such as", "since": "must be a time such as"}},
		{name: "empty window", as: admin, query: "?since=2026-03-01T09:00:00Z&until=2026-03-01T09:00:00Z",
			fields: map[string]string{"until": "must be after since"}},
		{name: "bad limit", as: admin, query: "?limit=0", fields: map[string]string{"limit": "whole number"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			c := tc.as(h)
			if tc.fields != nil {
				h.do(c, "GET", "/api/v1/audit"+tc.query, nil).requireFields(t, tc.fields)
				return
			}
			var got domain.AuditFilter
			if tc.status == http.StatusOK {
				h.auditLog.ListAuditFn = func(_ context.Context, f domain.AuditFilter) ([]domain.AuditRecord, string, error) {
					got = f
					return []domain.AuditRecord{{ID: "rec-1", Time: time.Now(), ActorID: actor, ActorName: "ada",
						Action: "vm.start", ObjectType: "vm", ObjectID: "v1", After: map[string]any{"state": "ready"}}}, "next", nil
				}
			}
			r := h.do(c, "GET", "/api/v1/audit"+tc.query, nil)
			if tc.status == http.StatusForbidden {
				r.requireError(t, tc.status, domain.KindForbidden)
				return
			}
			require.Equal(t, tc.status, r.status, string(r.body))
			require.True(t, tc.want.Since.Equal(got.Since) && tc.want.Until.Equal(got.Until), "window %v–%v", got.Since, got.Until)
			tc.want.Since, tc.want.Until, got.Since, got.Until = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			require.Equal(t, tc.want, got)
			require.Contains(t, string(r.body), `"rec-1"`)
			require.Contains(t, string(r.body), `"next_cursor":"next"`)
		})
	}
}

// TestHandlerFailedChangeLeavesNoAuditRecord checks that a change the
// store refuses is not audited: the record would have shared its
// transaction.
func TestHandlerFailedChangeLeavesNoAuditRecord(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.groups.CreateGroupFn = func(context.Context, *domain.Group) error {
		return domain.Errorf(domain.KindConflict, "group name %q is already taken", "ops")
	}
	h.do(h.admin, "POST", "/api/v1/groups", map[string]any{"name": "ops"}).requireError(t, http.StatusConflict, domain.KindConflict)
	require.Empty(t, h.auditActions())

	h.groups.CreateGroupFn = func(_ context.Context, g *domain.Group) error {
		g.ID = uuid.New()
		return nil
	}
	r := h.do(h.admin, "POST", "/api/v1/groups", map[string]any{"name": "ops"})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	recs := h.auditRecords()
	require.Len(t, recs, 1)
	require.Equal(t, "group.create", recs[0].Action)
	require.Equal(t, h.admin.ID(), recs[0].ActorID)
}
