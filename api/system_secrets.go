package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// rotateSecrets re-seals every stored secret under the current key
// (LABFORGE_SECRET_KEY) and answers what it found per table. Only an
// administrator may; the audit record holds the counts, never a value.
// Running it again is harmless, so it needs no Idempotency-Key.
func (s *Server) rotateSecrets(c *gin.Context) {
	if !currentUser(c).HasRole(domain.RoleAdmin) {
		abortWithError(c, domain.Errorf(domain.KindForbidden, "only an administrator may rotate the stored secrets"))
		return
	}
	out, err := s.storedSecrets.RotateSecrets(c.Request.Context())
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, "system.secrets.rotate", domain.ObjectSystem, "secrets", nil, out)
	c.JSON(http.StatusOK, out)
}
