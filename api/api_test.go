package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	require.Equal(t, http.StatusOK, s.Do(t, "GET", "/healthz", "", nil).Status)

	r := s.Do(t, "GET", "/readyz", "", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var ready api.ReadyBody
	r.JSON(t, &ready)
	require.Equal(t, map[string]string{"postgresql": "ok", "mongodb": "ok", "temporal": "ok"}, ready.Checks)

	metrics := s.Do(t, "GET", "/metrics", "", nil)
	require.Equal(t, http.StatusOK, metrics.Status)
	require.Contains(t, string(metrics.Body), `labforge_http_requests_total{method="GET",route="/readyz",status="200"} 1`)

	// With MongoDB gone, readiness names it and only it.
	require.NoError(t, s.Platform.Audit.Close(context.Background()))
	r = s.Do(t, "GET", "/readyz", "", nil)
	require.Equal(t, http.StatusServiceUnavailable, r.Status)
	r.JSON(t, &ready)
	require.Equal(t, "not ready: mongodb unreachable", ready.Message)
	require.Equal(t, "ok", ready.Checks["postgresql"])
	require.NotEqual(t, "ok", ready.Checks["mongodb"])
}

func TestLoginAndMe(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	bad := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"})
	require.Equal(t, http.StatusUnauthorized, bad.Status)
	var envelope api.ErrorBody
	bad.JSON(t, &envelope)
	require.Equal(t, "unauthorized", envelope.Error.Code)
	require.Equal(t, "invalid username or password", envelope.Error.Message)
	require.NotEmpty(t, envelope.Error.RequestID)

	unknown := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "whatever-it-is"})
	require.Equal(t, http.StatusUnauthorized, unknown.Status)

	missing := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{})
	require.Equal(t, http.StatusBadRequest, missing.Status)
	missing.JSON(t, &envelope)
	require.Equal(t, "is required", envelope.Error.Fields["username"])
	require.Equal(t, "is required", envelope.Error.Fields["password"])

	token := s.AdminToken(t)
	me := s.Do(t, "GET", "/api/v1/me", token, nil)
	require.Equal(t, http.StatusOK, me.Status)
	var u domain.User
	me.JSON(t, &u)
	require.Equal(t, "admin", u.Username)
	require.Equal(t, []string{domain.RoleAdmin}, u.Roles)
	require.NotContains(t, string(me.Body), "argon2")

	require.Equal(t, http.StatusUnauthorized, s.Do(t, "GET", "/api/v1/me", "", nil).Status)
	require.Equal(t, http.StatusUnauthorized, s.Do(t, "GET", "/api/v1/me", "not-a-jwt", nil).Status)
}

// TestRequestIDIsEchoedOrMade sends requests with and without an
// X-Request-Id: a well-formed one comes back unchanged, in the header and
// in an error body, so a request can be followed across proxies; without
// one, or with a malformed one, every request gets a fresh UUID.
func TestRequestIDIsEchoedOrMade(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	// /api/v1/me without a token answers 401 with an error body.
	send := func(id string) *apptest.Response {
		req, err := http.NewRequest("GET", s.URL+"/api/v1/me", nil)
		require.NoError(t, err)
		if id != "" {
			req.Header.Set(api.RequestIDHeader, id)
		}
		r := s.Send(t, req)
		require.Equal(t, http.StatusUnauthorized, r.Status, string(r.Body))
		return r
	}

	const given = "edge-7f3a.42:retry_1"
	r := send(given)
	require.Equal(t, given, r.Header.Get(api.RequestIDHeader), "a given request id is echoed")
	var envelope api.ErrorBody
	r.JSON(t, &envelope)
	require.Equal(t, given, envelope.Error.RequestID)

	made := map[string]bool{}
	for _, id := range []string{"", "", "has spaces", strings.Repeat("x", 129)} {
		got := send(id).Header.Get(api.RequestIDHeader)
		_, err := uuid.Parse(got)
		require.NoError(t, err, "for incoming id %q the request id %q is not a made UUID", id, got)
		require.False(t, made[got], "request id %q was made twice", got)
		made[got] = true
	}
}

func TestUsersLifecycle(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	admin := s.AdminToken(t)
	var envelope api.ErrorBody
	var ada, adminUser domain.User
	var adaToken string

	apptest.Step(t, "invalid requests name their fields", func(t *testing.T) {
		invalid := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"username": "Bad Name", "email": "nope", "password": "short", "roles": []string{"instructor"}})
		require.Equal(t, http.StatusBadRequest, invalid.Status)
		invalid.JSON(t, &envelope)
		require.Contains(t, envelope.Error.Fields, "username")
		require.Contains(t, envelope.Error.Fields, "email")
		require.Contains(t, envelope.Error.Fields, "password")

		unknownField := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"username": "ada", "is_admin": true})
		require.Equal(t, http.StatusBadRequest, unknownField.Status)
		unknownField.JSON(t, &envelope)
		require.Equal(t, "is not a known field", envelope.Error.Fields["is_admin"])

		wrongType := s.Do(t, "POST", "/api/v1/users", admin, `{"username": 7}`)
		require.Equal(t, http.StatusBadRequest, wrongType.Status)
		wrongType.JSON(t, &envelope)
		require.Equal(t, "must be of type string", envelope.Error.Fields["username"])
	})

	apptest.Step(t, "create, and a taken name is a conflict", func(t *testing.T) {
		created := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{
			"username": "ada", "email": "ada@example.org", "display_name": "Ada Lovelace",
			"roles": []string{domain.RoleInstructor}, "password": "analytical-engine-1843",
		})
		require.Equal(t, http.StatusCreated, created.Status, string(created.Body))
		created.JSON(t, &ada)
		require.Equal(t, "/api/v1/users/"+ada.ID.String(), created.Header.Get("Location"))

		dup := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"username": "ada", "email": "ada2@example.org", "password": "analytical-engine-1843"})
		require.Equal(t, http.StatusConflict, dup.Status)
		dup.JSON(t, &envelope)
		require.Contains(t, envelope.Error.Message, "ada")
	})

	apptest.Step(t, "an instructor cannot administer or even see other accounts", func(t *testing.T) {
		adaToken = s.Login(t, "ada", "analytical-engine-1843")
		require.Equal(t, http.StatusForbidden, s.Do(t, "GET", "/api/v1/users", adaToken, nil).Status)
		s.Do(t, "GET", "/api/v1/me", admin, nil).JSON(t, &adminUser)
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", "/api/v1/users/"+adminUser.ID.String(), adaToken, nil).Status)
	})

	apptest.Step(t, "list in pages", func(t *testing.T) {
		list := s.Do(t, "GET", "/api/v1/users?limit=1", admin, nil)
		require.Equal(t, http.StatusOK, list.Status)
		var page struct {
			Items      []domain.User `json:"items"`
			NextCursor string        `json:"next_cursor"`
		}
		list.JSON(t, &page)
		require.Len(t, page.Items, 1)
		require.Equal(t, "ada", page.Items[0].Username)
		require.NotEmpty(t, page.NextCursor)
		s.Do(t, "GET", "/api/v1/users?limit=1&cursor="+page.NextCursor, admin, nil).JSON(t, &page)
		require.Equal(t, "admin", page.Items[0].Username)
		require.Equal(t, http.StatusBadRequest, s.Do(t, "GET", "/api/v1/users?limit=0", admin, nil).Status)
	})

	apptest.Step(t, "a disabled account loses access at once", func(t *testing.T) {
		patched := s.Do(t, "PATCH", "/api/v1/users/"+ada.ID.String(), admin, map[string]any{"display_name": "Countess of Lovelace", "disabled": true})
		require.Equal(t, http.StatusOK, patched.Status, string(patched.Body))
		// At once, not when its token expires.
		require.Equal(t, http.StatusUnauthorized, s.Do(t, "GET", "/api/v1/me", adaToken, nil).Status)
		loginDisabled := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "ada", "password": "analytical-engine-1843"})
		require.Equal(t, http.StatusForbidden, loginDisabled.Status)
	})

	apptest.Step(t, "the last administrator cannot be demoted or deleted", func(t *testing.T) {
		demote := s.Do(t, "PATCH", "/api/v1/users/"+adminUser.ID.String(), admin, map[string]any{"roles": []string{"participant"}})
		require.Equal(t, http.StatusConflict, demote.Status)
		require.Equal(t, http.StatusConflict, s.Do(t, "DELETE", "/api/v1/users/"+adminUser.ID.String(), admin, nil).Status)
	})

	apptest.Step(t, "delete", func(t *testing.T) {
		require.Equal(t, http.StatusNoContent, s.Do(t, "DELETE", "/api/v1/users/"+ada.ID.String(), admin, nil).Status)
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", "/api/v1/users/"+ada.ID.String(), admin, nil).Status)
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", "/api/v1/users/not-a-uuid", admin, nil).Status)
	})

	apptest.Step(t, "every mutation left an audit record, without secrets", func(t *testing.T) {
		recs := s.Audit(t, domain.AuditFilter{ObjectType: domain.ObjectUser, ObjectID: ada.ID.String()})
		actions := map[string]domain.AuditRecord{}
		for _, r := range recs {
			actions[r.Action] = r
		}
		require.Contains(t, actions, "user.create")
		require.Contains(t, actions, "user.update")
		require.Contains(t, actions, "user.delete")
		upd := actions["user.update"]
		require.Equal(t, adminUser.ID, upd.ActorID)
		require.NotEmpty(t, upd.RequestID)
		require.Equal(t, false, upd.Before["disabled"])
		require.Equal(t, true, upd.After["disabled"])
		for _, r := range recs {
			require.NotContains(t, r.After, "password_hash")
			require.NotContains(t, strings.ToLower(string(mustJSON(t, r))), "argon2")
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestUnknownRouteAndMethod(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	var envelope api.ErrorBody
	r := s.Do(t, "GET", "/api/v1/nowhere", "", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	r.JSON(t, &envelope)
	require.Equal(t, "not_found", envelope.Error.Code)
}
