package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// TestHandlerSignInProvidersOff covers a server with neither LDAP nor
// OIDC: only local accounts are listed, a sign-in that asks for LDAP or
// an unknown provider is refused naming the field, and the OIDC routes
// know no provider.
func TestHandlerSignInProvidersOff(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	r := h.do(nil, "GET", "/api/v1/auth/providers", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.JSONEq(t, `{"providers":[{"id":"local","type":"local","display_name":"Labforge account"}]}`, string(r.body))

	for provider, message := range map[string]string{
		"ldap": "LDAP sign-in is not enabled on this server",
		"saml": "must be local or ldap",
	} {
		r = h.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": "ada", "password": "a-long-password", "provider": provider})
		e := r.requireError(t, http.StatusBadRequest, domain.KindInvalid)
		require.Equal(t, message, e.Fields["provider"])
	}

	for _, path := range []string{"/api/v1/auth/oidc/sso/start", "/api/v1/auth/oidc/sso/callback?state=x&code=y"} {
		r = h.do(nil, "GET", path, nil)
		r.requireError(t, http.StatusNotFound, domain.KindNotFound)
	}
}
