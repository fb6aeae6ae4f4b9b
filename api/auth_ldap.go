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
	s.completeSignIn(c, u, loginLDAP)
}

// provisionSignIn stores the sign-in of an external identity (see
// domain.IdentityStore.ProvisionUser) and returns its user, refusing a
// disabled one. A refusal is audited with the method.
func (s *Server) provisionSignIn(c *gin.Context, p *domain.Provisioning, method string) (*domain.User, error) {
	u, err := s.identities.ProvisionUser(c.Request.Context(), p)
	switch {
	case domain.IsKind(err, domain.KindInvalid):
		err = domain.Wrap(err, domain.KindUnprocessable, "this "+method+" account cannot be a Labforge account: "+err.Error())
	case err == nil && u.Disabled:
		err = errDisabled
	}
	if err != nil && domain.KindOf(err) != domain.KindInternal && domain.KindOf(err) != domain.KindUnavailable {
		s.writeAudit(c, &domain.AuditRecord{Action: "auth.login_refused", ObjectType: domain.ObjectUser, ObjectID: p.Identity.Username,
			ActorName: p.Identity.Username, RequestID: requestID(c), ClientIP: c.ClientIP(),
			After: domain.JSONObject(map[string]string{"method": method, "reason": err.Error()})})
	}
	return u, err
}
