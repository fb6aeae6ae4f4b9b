package api_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
)

// auditPage is GET /audit's answer.
type auditPage struct {
	Items      []domain.AuditRecord `json:"items"`
	NextCursor string               `json:"next_cursor"`
}

// TestAuditLogEndToEnd makes audited changes on the real stack and reads
// them back with GET /audit: each record travels through the PostgreSQL
// outbox and the core worker's relay to MongoDB, promptly (the relay is
// woken by a notification, well before its 10 s poll), and the filters
// find it.
func TestAuditLogEndToEnd(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	admin := s.AdminToken(t)
	list := func(t testing.TB, token string, query url.Values) *apptest.Response {
		return s.Do(t, "GET", "/api/v1/audit?"+query.Encode(), token, nil)
	}
	records := func(t testing.TB, query url.Values) []domain.AuditRecord {
		r := list(t, admin, query)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var page auditPage
		r.JSON(t, &page)
		return page.Items
	}

	var me domain.User
	s.Do(t, "GET", "/api/v1/me", admin, nil).JSON(t, &me)
	start := time.Now().Add(-time.Second).UTC().Truncate(time.Second)
	created := s.Do(t, "POST", "/api/v1/groups", admin, map[string]any{"name": "auditors"})
	require.Equal(t, http.StatusCreated, created.Status, string(created.Body))
	var group domain.Group
	created.JSON(t, &group)

	var rec domain.AuditRecord
	apptest.Step(t, "the change reaches the audit log within seconds", func(t *testing.T) {
		query := url.Values{"object_type": {domain.ObjectGroup}, "object_id": {group.ID.String()}}
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			got := records(t, query)
			require.Len(c, got, 1)
			rec = got[0]
		}, 5*time.Second, 25*time.Millisecond)
		require.Equal(t, "group.create", rec.Action)
		require.Equal(t, me.ID, rec.ActorID)
		require.Equal(t, me.Username, rec.ActorName)
		require.Equal(t, "auditors", rec.After["name"])
		require.NotEmpty(t, rec.RequestID)
		require.NotEmpty(t, rec.ClientIP)
	})

	apptest.Step(t, "filters", func(t *testing.T) {
		ids := func(q url.Values) []string {
			var out []string
			for _, r := range records(t, q) {
				out = append(out, r.ID)
			}
			return out
		}
		require.Contains(t, ids(url.Values{"actor": {me.Username}, "action": {"group.create"}}), rec.ID)
		require.Contains(t, ids(url.Values{"actor": {me.ID.String()}}), rec.ID)
		require.Contains(t, ids(url.Values{"since": {start.Format(time.RFC3339)}}), rec.ID)
		require.Empty(t, ids(url.Values{"until": {start.Format(time.RFC3339)}, "object_type": {domain.ObjectGroup}}))
		require.Empty(t, ids(url.Values{"actor": {"nobody"}}))
		require.Empty(t, ids(url.Values{"action": {"group.delete"}}))
		boot := records(t, url.Values{"action": {"user.bootstrap_admin"}})
		require.Len(t, boot, 1, "the bootstrap admin, audited before any worker ran")
		require.Equal(t, "labforge", boot[0].ActorName)

		bad := list(t, admin, url.Values{"since": {"yesterday"}})
		require.Equal(t, http.StatusBadRequest, bad.Status)
		require.Contains(t, string(bad.Body), `"since"`)
	})

	apptest.Step(t, "only administrators read it", func(t *testing.T) {
		r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{
			"username": "ines", "email": "ines@example.org", "roles": []string{domain.RoleInstructor}, "password": "analytical-engine-1843",
		})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		ines := s.Login(t, "ines", "analytical-engine-1843")
		require.Equal(t, http.StatusForbidden, list(t, ines, url.Values{}).Status)
	})
}
