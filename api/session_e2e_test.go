package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
)

// consoleSession is a browser's view of a console session: its cookie
// and the CSRF token the sign-in answered.
type consoleSession struct {
	cookie *http.Cookie
	api.SessionResponse
}

func signInSession(t *testing.T, s *apptest.Stack, username, password string) *consoleSession {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]any{"username": username, "password": password, "session": true})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), "access_token", "a session's answer carries no token")
	var cs consoleSession
	r.JSON(t, &cs.SessionResponse)
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "labforge_session" {
			cs.cookie = c
		}
	}
	require.NotNil(t, cs.cookie, "the answer sets the session cookie")
	require.NotEmpty(t, cs.CSRFToken)
	return &cs
}

// send makes a request as the browser would: with the cookie, and with
// csrf in X-CSRF-Token when it is not empty.
func (cs *consoleSession) send(t *testing.T, s *apptest.Stack, method, path, csrf string, body any) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, apptest.RequestBody(t, body))
	require.NoError(t, err)
	apptest.PrepareRequest(req, "")
	req.AddCookie(&http.Cookie{Name: cs.cookie.Name, Value: cs.cookie.Value})
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return s.Send(t, req)
}

func errorMessage(t *testing.T, r *apptest.Response) string {
	t.Helper()
	var e api.ErrorBody
	r.JSON(t, &e)
	return e.Error.Message
}

// TestConsoleSessionsEndToEnd signs a participant in to the console: the
// session cookie's attributes, CSRF on unsafe requests, sign-out, and the
// revocation of sessions and access tokens when the user's roles or
// password change; and the per-user rate limit on changes.
func TestConsoleSessionsEndToEnd(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.WithQueues("core"), func(c *config.Config) {
		c.RateLimitPerMinute, c.RateLimitBurst = 1, 10
	})
	admin := s.AdminToken(t)
	const password = "correct horse battery staple"
	newParticipant := func(name string) domain.User {
		r := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"username": name, "email": name + "@example.org",
			"password": password, "roles": []string{domain.RoleParticipant}})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var u domain.User
		r.JSON(t, &u)
		return u
	}
	ada := newParticipant("ada")

	apptest.Step(t, "sign-in sets an HttpOnly, SameSite=Lax cookie and answers the CSRF token", func(t *testing.T) {
		cs := signInSession(t, s, "ada", password)
		require.True(t, cs.cookie.HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, cs.cookie.SameSite)
		require.False(t, cs.cookie.Secure, "the stack's public URL is http://")
		require.Equal(t, "/", cs.cookie.Path)
		require.Equal(t, "local", cs.Method)
		require.Equal(t, ada.ID, cs.User.ID)

		me := cs.send(t, s, "GET", "/api/v1/me", "", nil)
		require.Equal(t, http.StatusOK, me.Status, string(me.Body))
		var again api.SessionResponse
		r := cs.send(t, s, "GET", "/api/v1/auth/session", "", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &again)
		require.Equal(t, cs.CSRFToken, again.CSRFToken)
	})

	apptest.Step(t, "an unsafe request of a session needs its CSRF token", func(t *testing.T) {
		cs := signInSession(t, s, "ada", password)
		missing := cs.send(t, s, "POST", "/api/v1/api-keys", "", map[string]any{"name": "forged"})
		require.Equal(t, http.StatusForbidden, missing.Status, string(missing.Body))
		require.Contains(t, errorMessage(t, missing), "X-CSRF-Token")
		other := signInSession(t, s, "ada", password)
		wrong := cs.send(t, s, "POST", "/api/v1/api-keys", other.CSRFToken, map[string]any{"name": "forged"})
		require.Equal(t, http.StatusForbidden, wrong.Status, "another session's token does not do")
		ok := cs.send(t, s, "POST", "/api/v1/api-keys", cs.CSRFToken, map[string]any{"name": "console"})
		require.Equal(t, http.StatusCreated, ok.Status, string(ok.Body))
	})

	apptest.Step(t, "sign-out ends the session and deletes the cookie", func(t *testing.T) {
		cs := signInSession(t, s, "ada", password)
		out := cs.send(t, s, "DELETE", "/api/v1/auth/session", cs.CSRFToken, nil)
		require.Equal(t, http.StatusNoContent, out.Status, string(out.Body))
		cleared := (&http.Response{Header: out.Header}).Cookies()
		require.Len(t, cleared, 1)
		require.Equal(t, -1, cleared[0].MaxAge)
		after := cs.send(t, s, "GET", "/api/v1/me", "", nil)
		require.Equal(t, http.StatusUnauthorized, after.Status)
		require.Contains(t, errorMessage(t, after), "sign in again")
		require.Equal(t, http.StatusNotFound, s.Do(t, "GET", "/api/v1/auth/session", admin, nil).Status,
			"a bearer token has no session")
	})

	apptest.Step(t, "a change of roles ends the user's sessions and access tokens at once", func(t *testing.T) {
		cs := signInSession(t, s, "ada", password)
		token := s.Login(t, "ada", password)
		require.Equal(t, http.StatusOK, s.Do(t, "GET", "/api/v1/me", token, nil).Status)

		r := s.Do(t, "PATCH", "/api/v1/users/"+ada.ID.String(), admin, map[string]any{"roles": []string{domain.RoleParticipant, domain.RoleInstructor}})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))

		old := s.Do(t, "GET", "/api/v1/me", token, nil)
		require.Equal(t, http.StatusUnauthorized, old.Status)
		require.Contains(t, errorMessage(t, old), "revoked")
		ended := cs.send(t, s, "GET", "/api/v1/me", "", nil)
		require.Equal(t, http.StatusUnauthorized, ended.Status)
		require.Contains(t, errorMessage(t, ended), "ended")

		fresh := s.Login(t, "ada", password)
		var me domain.User
		s.Do(t, "GET", "/api/v1/me", fresh, nil).JSON(t, &me)
		require.Contains(t, me.Roles, domain.RoleInstructor, "a new token carries the new roles")
	})

	apptest.Step(t, "changing one's password ends every session and token of the account", func(t *testing.T) {
		cs := signInSession(t, s, "ada", password)
		token := s.Login(t, "ada", password)
		r := cs.send(t, s, "POST", "/api/v1/me/password", cs.CSRFToken, map[string]any{"current_password": password, "password": password + " again"})
		require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
		require.Equal(t, http.StatusUnauthorized, s.Do(t, "GET", "/api/v1/me", token, nil).Status)
		require.Equal(t, http.StatusUnauthorized, cs.send(t, s, "GET", "/api/v1/me", "", nil).Status)
		signInSession(t, s, "ada", password+" again")
	})

	apptest.Step(t, "disabling a user ends their session", func(t *testing.T) {
		newParticipant("bob")
		cs := signInSession(t, s, "bob", password)
		bob := cs.User
		r := s.Do(t, "PATCH", "/api/v1/users/"+bob.ID.String(), admin, map[string]any{"disabled": true})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.Equal(t, http.StatusUnauthorized, cs.send(t, s, "GET", "/api/v1/me", "", nil).Status)
	})

	apptest.Step(t, "a user's changes beyond the rate limit get 429 with Retry-After; reads go on", func(t *testing.T) {
		newParticipant("carol")
		token := s.Login(t, "carol", password)
		for i := range 10 {
			r := s.Do(t, "POST", "/api/v1/api-keys", token, map[string]any{"name": "key" + strconv.Itoa(i)})
			require.Equal(t, http.StatusCreated, r.Status, "change %d of the burst: %s", i+1, r.Body)
		}
		r := s.Do(t, "POST", "/api/v1/api-keys", token, map[string]any{"name": "one too many"})
		require.Equal(t, http.StatusTooManyRequests, r.Status, string(r.Body))
		secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
		require.NoError(t, err)
		require.Greater(t, secs, 0)
		require.Contains(t, errorMessage(t, r), "at most 1 a minute")
		require.Equal(t, http.StatusOK, s.Do(t, "GET", "/api/v1/api-keys", token, nil).Status)
		other := s.Login(t, "ada", password+" again")
		require.Equal(t, http.StatusCreated, s.Do(t, "POST", "/api/v1/api-keys", other, map[string]any{"name": "ada's"}).Status,
			"each user has their own limit")
	})
}
