package api_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
)

// oidcFlow is one browser signing in through the API's OIDC routes and
// the provider, one redirect at a time.
type oidcFlow struct {
	t       *testing.T
	browser *http.Client
	s       *apptest.Stack
	// callback is the URL the provider sent the browser back to.
	callback string
}

type hop struct {
	status   int
	location string
	body     []byte
}

func (f *oidcFlow) get(u string) hop {
	f.t.Helper()
	resp, err := f.browser.Get(u)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return hop{status: resp.StatusCode, location: resp.Header.Get("Location"), body: body}
}

// edit returns u with edit applied to its query.
func edit(t *testing.T, u string, edit func(url.Values)) string {
	t.Helper()
	parsed, err := url.Parse(u)
	require.NoError(t, err)
	q := parsed.Query()
	if edit != nil {
		edit(q)
	}
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

// signInOIDC runs a sign-in of user: start, the provider's authorization
// (its request edited by toProvider) and the callback (edited by
// toCallback), asking to come back to returnTo ("" for the default). It
// returns the callback's answer.
func signInOIDC(t *testing.T, s *apptest.Stack, idp *mockoidc.MockOIDC, user mockoidc.User, returnTo string, toProvider, toCallback func(url.Values)) (*oidcFlow, hop) {
	t.Helper()
	f := &oidcFlow{t: t, browser: s.Browser(t), s: s}
	f.browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	startURL := s.URL + "/api/v1/auth/oidc/sso/start"
	if returnTo != "" {
		startURL += "?return_to=" + url.QueryEscape(returnTo)
	}
	start := f.get(startURL)
	require.Equal(t, http.StatusFound, start.status, string(start.body))
	auth, err := url.Parse(start.location)
	require.NoError(t, err)
	q := auth.Query()
	require.Equal(t, "S256", q.Get("code_challenge_method"))
	require.NotEmpty(t, q.Get("code_challenge"))
	require.NotEmpty(t, q.Get("nonce"))
	require.NotEmpty(t, q.Get("state"))
	require.Equal(t, s.URL+"/api/v1/auth/oidc/sso/callback", q.Get("redirect_uri"))
	idp.QueueUser(user)
	back := f.get(edit(t, start.location, toProvider))
	require.Equal(t, http.StatusFound, back.status, string(back.body))
	f.callback = edit(t, back.location, toCallback)
	return f, f.get(f.callback)
}

// signedIn checks that the callback answered h by starting a console
// session and sending the browser to return_to, and returns the session.
func (f *oidcFlow) signedIn(h hop, returnTo string) api.SessionResponse {
	f.t.Helper()
	require.Equal(f.t, http.StatusFound, h.status, string(h.body))
	require.Equal(f.t, returnTo, h.location)
	r := f.get(f.s.URL + "/api/v1/auth/session")
	require.Equal(f.t, http.StatusOK, r.status, string(r.body))
	var out api.SessionResponse
	(&apptest.Response{Status: r.status, Body: r.body}).JSON(f.t, &out)
	require.Equal(f.t, "oidc", out.Method)
	require.NotEmpty(f.t, out.CSRFToken)
	return out
}

// signsIn runs signInOIDC for user and returns its session.
func signsIn(t *testing.T, s *apptest.Stack, idp *mockoidc.MockOIDC, user mockoidc.User) api.SessionResponse {
	t.Helper()
	f, h := signInOIDC(t, s, idp, user, "", nil, nil)
	return f.signedIn(h, "/")
}

// TestOIDCSignInEndToEnd signs people in through a real OIDC provider
// on loopback (mockoidc) on the real stack: the code flow with PKCE ends
// in a console session and a redirect to return_to, and creates the
// account with the mapped role and group and updates it at
// the next sign-in; a wrong state, a replayed callback and a nonce that
// is not the flow's are refused; a verified e-mail address links to the
// existing account (LABFORGE_OIDC_LINK_BY_EMAIL=true), an unverified one
// does not; a local account's username is refused.
func TestOIDCSignInEndToEnd(t *testing.T) {
	t.Parallel()
	idp, err := mockoidc.Run()
	require.NoError(t, err)
	t.Cleanup(func() { _ = idp.Shutdown() })
	s := apptest.Start(t, apptest.WithQueues(activities.QueueCore), func(c *config.Config) {
		c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret = idp.Issuer(), idp.ClientID, idp.ClientSecret
		c.OIDCLabel = "University SSO"
		c.OIDCScopes = []string{"openid", "profile", "email", "groups"}
		c.OIDCRoleMap = "Teachers => instructor"
		c.OIDCGroupMap = "teachers => Teachers"
		c.OIDCLinkByEmail = true
	})
	admin := s.AdminToken(t)
	tess := &mockoidc.MockUser{Subject: "sub-tess", PreferredUsername: "Tess", Email: "tess@example.org", EmailVerified: true,
		Groups: []string{"teachers", "staff"}}

	apptest.Step(t, "the providers are listed for the sign-in page", func(t *testing.T) {
		r := s.Do(t, "GET", "/api/v1/auth/providers", "", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.JSONEq(t, `{"providers":[{"id":"local","type":"local","display_name":"Labforge account"},
			{"id":"sso","type":"oidc","display_name":"University SSO","start_url":"/api/v1/auth/oidc/sso/start"}]}`, string(r.Body))
	})

	var tessID string
	apptest.Step(t, "the code flow with PKCE creates the account with the mapped role and group", func(t *testing.T) {
		f, h := signInOIDC(t, s, idp, tess, "/events?view=mine", nil, nil)
		out := f.signedIn(h, "/events?view=mine")
		require.Equal(t, "tess", out.User.Username)
		require.Equal(t, domain.AuthOIDC, out.User.Source)
		require.Equal(t, []string{"instructor"}, out.User.Roles)
		me := f.get(s.URL + "/api/v1/me")
		require.Equal(t, http.StatusOK, me.status, string(me.body))
		require.Contains(t, string(me.body), `"username":"tess"`, "the session cookie authenticates")
		groups := s.Do(t, "GET", "/api/v1/groups", admin, nil)
		require.Contains(t, string(groups.Body), out.User.ID.String(), "a member of Teachers")
		tessID = out.User.ID.String()
	})

	apptest.Step(t, "the next sign-in updates the account", func(t *testing.T) {
		moved := *tess
		moved.Email, moved.Groups = "tess@new.example.org", nil
		out := signsIn(t, s, idp, &moved)
		require.Equal(t, tessID, out.User.ID.String())
		require.Equal(t, "tess@new.example.org", out.User.Email)
		require.Equal(t, []string{"participant"}, out.User.Roles)
	})

	apptest.Step(t, "a wrong state, a replayed callback and a foreign nonce are refused", func(t *testing.T) {
		_, h := signInOIDC(t, s, idp, tess, "", nil, func(q url.Values) { q.Set("state", "forged") })
		require.Equal(t, http.StatusUnauthorized, h.status, string(h.body))
		require.Contains(t, string(h.body), "state does not match")

		f, h := signInOIDC(t, s, idp, tess, "", nil, nil)
		f.signedIn(h, "/")
		again := f.get(f.callback)
		require.Equal(t, http.StatusUnauthorized, again.status, "the flow's cookie is gone: %s", again.body)

		_, h = signInOIDC(t, s, idp, tess, "", func(q url.Values) { q.Set("nonce", "not-the-flows-nonce") }, nil)
		require.Equal(t, http.StatusUnauthorized, h.status, string(h.body))
		require.Contains(t, string(h.body), "nonce")
	})

	apptest.Step(t, "a verified address links to the existing account, an unverified one does not", func(t *testing.T) {
		unverified := &mockoidc.MockUser{Subject: "sub-x", PreferredUsername: "mallory", Email: "admin@labforge.local"}
		_, h := signInOIDC(t, s, idp, unverified, "", nil, nil)
		require.Equal(t, http.StatusConflict, h.status, string(h.body))
		require.Contains(t, string(h.body), "belongs to another Labforge account")

		verified := &mockoidc.MockUser{Subject: "sub-admin", PreferredUsername: "it-admin", Email: "Admin@labforge.local", EmailVerified: true}
		out := signsIn(t, s, idp, verified)
		require.Equal(t, "admin", out.User.Username)
		require.Equal(t, domain.AuthLocal, out.User.Source)
		require.Equal(t, []string{"admin"}, out.User.Roles, "a linked account keeps its roles")
	})

	apptest.Step(t, "a local account's username is refused", func(t *testing.T) {
		clash := &mockoidc.MockUser{Subject: "sub-y", PreferredUsername: "admin", Email: "other@example.org", EmailVerified: true}
		_, h := signInOIDC(t, s, idp, clash, "", nil, nil)
		require.Equal(t, http.StatusConflict, h.status, string(h.body))
		require.Contains(t, string(h.body), "belongs to a local Labforge account")
	})

	apptest.Step(t, "start refuses an off-site return_to and an unknown provider", func(t *testing.T) {
		r := s.Do(t, "GET", "/api/v1/auth/oidc/sso/start?return_to=//evil.example.org/", "", nil)
		require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
		r = s.Do(t, "GET", "/api/v1/auth/oidc/other/start", "", nil)
		require.Equal(t, http.StatusNotFound, r.Status, string(r.Body))
	})
}
