package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/oidcauth"
)

// fakeOIDC is an api.OIDCProvider whose authorization URL carries the
// flow's state; Identity must not be reached by the refusals tested here.
type fakeOIDC struct{ t *testing.T }

func (f *fakeOIDC) ID() string    { return "sso" }
func (f *fakeOIDC) Label() string { return "Campus SSO" }
func (f *fakeOIDC) AuthURL(_ context.Context, fl oidcauth.Flow) (string, error) {
	return "https://login.example.org/authorize?state=" + fl.State, nil
}
func (f *fakeOIDC) Identity(context.Context, oidcauth.Flow, string) (*domain.ExternalIdentity, error) {
	f.t.Error("the code must not be exchanged")
	return nil, domain.Errorf(domain.KindInternal, "unexpected")
}

// TestHandlerOIDCCallbackRefusals covers the callback's checks before any
// call to the provider: the provider's refusal, a missing or forged flow
// cookie, a state of another flow, and the start's return_to check.
func TestHandlerOIDCCallbackRefusals(t *testing.T) {
	t.Parallel()
	h := newFakeAPIWith(t, func(d *api.Deps) {
		d.OIDC = []api.OIDCSignIn{{Provider: &fakeOIDC{t: t}}}
		d.OIDCFlowKey = []byte(strings.Repeat("k", 32))
	})
	start := func() (cookie *http.Cookie, state string) {
		t.Helper()
		r := h.do(nil, "GET", "/api/v1/auth/oidc/sso/start?return_to=/events", nil)
		require.Equal(t, http.StatusFound, r.status, string(r.body))
		_, state, _ = strings.Cut(r.header.Get("Location"), "state=")
		cookies := (&http.Response{Header: r.header}).Cookies()
		require.Len(t, cookies, 1)
		c := cookies[0]
		require.True(t, c.HttpOnly)
		require.True(t, c.Secure, "LABFORGE_PUBLIC_URL is https")
		require.Equal(t, http.SameSiteLaxMode, c.SameSite)
		require.Equal(t, "/api/v1/auth/oidc/sso/", c.Path)
		return c, state
	}
	callback := func(query string, cookie *http.Cookie) *reply {
		t.Helper()
		req := httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/auth/oidc/sso/callback?"+query, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		return h.serve(req)
	}

	cookie, state := start()
	r := callback("error=access_denied&error_description=no+consent&state="+state, cookie)
	e := r.requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
	require.Equal(t, "Campus SSO refused the sign-in: access_denied no consent", e.Message)

	r = callback("code=c&state="+state, nil)
	e = r.requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
	require.Contains(t, e.Message, "expired or was started in another browser")

	cookie, state = start()
	forged := *cookie
	forged.Value = strings.Replace(cookie.Value, ".", "x.", 1)
	r = callback("code=c&state="+state, &forged)
	r.requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)

	other, _ := start()
	r = callback("code=c&state="+state, other)
	e = r.requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
	require.Contains(t, e.Message, "state does not match")

	for _, to := range []string{"//evil.example.org", "https://evil.example.org/", "/\\evil.example.org", "events"} {
		r = h.do(nil, "GET", "/api/v1/auth/oidc/sso/start?return_to="+to, nil)
		e = r.requireError(t, http.StatusBadRequest, domain.KindInvalid)
		require.Contains(t, e.Fields, "return_to", to)
	}
}
