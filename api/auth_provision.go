package api

import (
	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// provisionSignIn stores the sign-in of an external identity (see
// domain.IdentityStore.ProvisionUser) and returns its user, refusing a
// disabled one. A refusal is audited with the method.
func (s *Server) provisionSignIn(c *gin.Context, p *domain.Provisioning, method string) (*domain.User, error) {
	u, err := s.identities.ProvisionUser(c.Request.Context(), p)
	switch {
	case domain.IsKind(err, domain.KindInvalid):
		err = domain.Errorf(domain.KindUnprocessable, "this %s account cannot be a Labforge account: %v", method, err)
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
