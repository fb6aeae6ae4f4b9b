package api

import (
	"github.com/gin-gonic/gin"
	"github.com/labforge/labforge/domain"
)

// authorize asks domain.Authorize whether the current user may do need to
// obj, loading the permissions that might apply.
func (s *Server) authorize(c *gin.Context, obj domain.ObjectRef, need domain.Key) error {
	subject := subjectOf(currentUser(c))
	perms, err := s.permissions.PermissionsFor(c.Request.Context(), subject, obj)
	if err != nil {
		return err
	}
	return domain.Authorize(subject, perms, obj, need)
}
