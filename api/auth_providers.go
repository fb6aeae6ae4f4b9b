package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// AuthProvider is one way of signing in, for the console's sign-in page.
type AuthProvider struct {
	// ID is "local", "ldap" (both: POST /api/v1/auth/login with that
	// provider) or an OIDC provider's id.
	ID          string `json:"id"`
	Type        string `json:"type"`
	DisplayName string `json:"display_name"`
	// StartURL is where the browser goes to sign in with an OIDC provider.
	StartURL string `json:"start_url,omitempty"`
}

// AuthProviders lists the enabled ways of signing in.
type AuthProviders struct {
	Providers []AuthProvider `json:"providers"`
}

// localLabel is the local accounts' button.
const localLabel = "Labforge account"

func (s *Server) listAuthProviders(c *gin.Context) {
	out := AuthProviders{Providers: []AuthProvider{{ID: loginLocal, Type: loginLocal, DisplayName: localLabel}}}
	if s.ldap != nil {
		out.Providers = append(out.Providers, AuthProvider{ID: loginLDAP, Type: loginLDAP, DisplayName: s.ldapLabel})
	}
	for _, p := range s.oidc {
		out.Providers = append(out.Providers, AuthProvider{ID: p.Provider.ID(), Type: loginOIDC, DisplayName: p.Provider.Label(),
			StartURL: "/api/v1/auth/oidc/" + p.Provider.ID() + "/start"})
	}
	c.JSON(http.StatusOK, out)
}
