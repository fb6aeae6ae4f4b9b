package api

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// LDAPDirectory checks usernames and passwords against an LDAP directory
// (internal/ldapauth.Directory).
type LDAPDirectory interface {
	// Authenticate returns the person's identity, an error of
	// KindUnauthorized for a wrong username or password, or of
	// KindUnavailable when the directory cannot answer.
	Authenticate(ctx context.Context, username, password string) (*domain.ExternalIdentity, error)
}

// loginLDAP signs req in through the directory: the person's entry
// becomes (or updates) their Labforge account.
func (s *Server) loginLDAP(c *gin.Context, req LoginRequest) {
	id, err := s.ldap.Authenticate(c.Request.Context(), req.Username, req.Password)
	if domain.IsKind(err, domain.KindUnauthorized) {
		s.loginFailed(c, req.Username, loginLDAP)
		return
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	u, err := s.provisionSignIn(c, s.ldapPolicy.Provisioning(*id), loginLDAP)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.throttle.succeed(req.Username)
	s.finishLogin(c, u, loginLDAP, req.Session)
}
