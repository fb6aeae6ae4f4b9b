package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/oidcauth"
)

// loginOIDC is the method of sign-ins through an OIDC provider.
const loginOIDC = "oidc"

// OIDCProvider is one OpenID Connect provider (internal/oidcauth.Provider).
type OIDCProvider interface {
	ID() string
	Label() string
	// AuthURL is where the browser signs in for the flow; KindUnavailable
	// when the provider cannot be reached.
	AuthURL(ctx context.Context, f oidcauth.Flow) (string, error)
	// Identity exchanges the callback's code and verifies the ID token
	// and the flow's nonce; KindUnauthorized when they do not verify.
	Identity(ctx context.Context, f oidcauth.Flow, code string) (*domain.ExternalIdentity, error)
}

// OIDCSignIn is an OIDC provider and how its identities become accounts.
type OIDCSignIn struct {
	Provider OIDCProvider
	Policy   domain.SignInPolicy
}

func (s *Server) oidcProvider(c *gin.Context) (*OIDCSignIn, error) {
	id := c.Param("provider")
	for i := range s.oidc {
		if s.oidc[i].Provider.ID() == id {
			return &s.oidc[i], nil
		}
	}
	return nil, domain.NotFoundf("no OIDC provider %q is configured", id)
}

// startOIDC sends the browser to the provider with a fresh state, nonce
// and PKCE challenge, which a signed cookie keeps until the callback.
func (s *Server) startOIDC(c *gin.Context) {
	p, err := s.oidcProvider(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	returnTo := c.DefaultQuery("return_to", "/")
	if !sameSitePath(returnTo) {
		abortWithError(c, invalidField("return_to", "must be a path of this site such as /events"))
		return
	}
	f := oidcauth.NewFlow()
	to, err := p.Provider.AuthURL(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.setFlowCookie(c, p.Provider.ID(), flowState{Flow: f, ReturnTo: returnTo})
	c.Redirect(http.StatusFound, to)
}

// oidcCallback finishes a sign-in the provider sends the browser back
// from: it checks the state against the flow's cookie, exchanges the code
// with the PKCE verifier, verifies the ID token and nonce, and signs the
// identity's account in.
func (s *Server) oidcCallback(c *gin.Context) {
	p, err := s.oidcProvider(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f, ok := s.takeFlowCookie(c, p.Provider.ID())
	switch {
	case c.Query("error") != "":
		err = domain.Errorf(domain.KindUnauthorized, "%s refused the sign-in: %s %s", p.Provider.Label(), c.Query("error"), c.Query("error_description"))
	case !ok:
		err = domain.Errorf(domain.KindUnauthorized, "this sign-in expired or was started in another browser; start it again")
	case subtle.ConstantTimeCompare([]byte(c.Query("state")), []byte(f.State)) != 1:
		err = domain.Errorf(domain.KindUnauthorized, "the sign-in's state does not match; start it again")
	case c.Query("code") == "":
		err = invalidField("code", "is required")
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	id, err := p.Provider.Identity(c.Request.Context(), f.Flow, c.Query("code"))
	if err != nil {
		abortWithError(c, err)
		return
	}
	u, err := s.provisionSignIn(c, p.Policy.Provisioning(*id), loginOIDC)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.finishBrowserSignIn(c, u, loginOIDC, f.ReturnTo)
}

// finishBrowserSignIn ends a sign-in a browser made by following
// redirects: it starts a console session (the cookie) and sends the
// browser on to returnTo, a path of this site.
func (s *Server) finishBrowserSignIn(c *gin.Context, u *domain.User, method, returnTo string) {
	if _, err := s.startSession(c, u, method); err != nil {
		abortWithError(c, err)
		return
	}
	s.auditSignIn(c, u, method)
	c.Redirect(http.StatusFound, returnTo)
}

// invalidField is a KindInvalid error about one field.
func invalidField(field, message string) error {
	var v domain.Validator
	v.Check(false, field, message)
	return v.Err()
}

// sameSitePath reports whether p is a path on this site, so that a
// redirect to it cannot leave the site (no scheme, host, "//" or "\").
func sameSitePath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}
