package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
)

// TestHandlerAuthentication covers the bearer-token check every /api/v1
// route but login goes through.
func TestHandlerAuthentication(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		header        func(h *fakeAPI) string
		status        int
		kind          domain.Kind
		authenticate  string
		setupAccounts func(h *fakeAPI)
	}{
		{name: "no header", header: func(*fakeAPI) string { return "" },
			status: http.StatusUnauthorized, kind: domain.KindUnauthorized, authenticate: `Bearer realm="labforge"`},
		{name: "not bearer", header: func(*fakeAPI) string { return "Basic YWRtaW46YWRtaW4=" },
			status: http.StatusUnauthorized, kind: domain.KindUnauthorized, authenticate: `Bearer realm="labforge"`},
		{name: "empty token", header: func(*fakeAPI) string { return "Bearer " },
			status: http.StatusUnauthorized, kind: domain.KindUnauthorized, authenticate: `Bearer realm="labforge"`},
		{name: "malformed token", header: func(*fakeAPI) string { return "Bearer not-a-jwt" },
			status: http.StatusUnauthorized, kind: domain.KindUnauthorized, authenticate: `Bearer realm="labforge", error="invalid_token"`},
		{name: "token of another installation", header: func(h *fakeAPI) string {
			tok, _, err := auth.NewTokens(strings.Repeat("another-secret-", 3), time.Hour).Issue(h.admin.ID(), "admin", []string{domain.RoleAdmin}, 0)
			require.NoError(h.t, err)
			return "Bearer " + tok
		}, status: http.StatusUnauthorized, kind: domain.KindUnauthorized, authenticate: `Bearer realm="labforge", error="invalid_token"`},
		{name: "deleted account", header: func(h *fakeAPI) string {
			tok, _, err := h.tokens.Issue(uuid.New(), "ghost", []string{domain.RoleAdmin}, 0)
			require.NoError(h.t, err)
			return "Bearer " + tok
		}, status: http.StatusUnauthorized, kind: domain.KindUnauthorized},
		{name: "disabled account", header: func(h *fakeAPI) string {
			h.mu.Lock()
			h.accounts[h.admin.ID()].Disabled = true
			h.mu.Unlock()
			return "Bearer " + h.admin.token
		}, status: http.StatusUnauthorized, kind: domain.KindUnauthorized},
		{name: "user store fails", header: func(h *fakeAPI) string {
			h.users.FindUserByIDFn = func(context.Context, uuid.UUID) (*domain.User, error) { return nil, errors.New(secretCause) }
			return "Bearer " + h.admin.token
		}, status: http.StatusInternalServerError, kind: domain.KindInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.skipContract = tc.status == http.StatusInternalServerError
			r := h.doWithHeader("GET", "/api/v1/me", tc.header(h))
			r.requireError(t, tc.status, tc.kind)
			require.Equal(t, tc.authenticate, r.header.Get("WWW-Authenticate"))
			require.NotContains(t, string(r.body), secretCause)
		})
	}

	t.Run("valid token", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		r := h.do(h.instructor, "GET", "/api/v1/me", nil)
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var me domain.User
		r.json(t, &me)
		require.Equal(t, h.instructor.ID(), me.ID)
	})
}
