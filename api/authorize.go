package api

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

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

// loadObject finds the :id object of objectType with find, after checking
// the caller may do need to it. A caller who may not read it, like a
// malformed id, gets KindNotFound.
func loadObject[T any](s *Server, c *gin.Context, objectType string, need domain.Key,
	find func(context.Context, uuid.UUID) (*T, error)) (*T, error) {
	id, err := pathID(c, objectType)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(c, domain.Ref(objectType, id), need); err != nil {
		return nil, err
	}
	return find(c.Request.Context(), id)
}

// listPage checks the caller may read every object of objectType and
// returns the page the request asks for.
func (s *Server) listPage(c *gin.Context, objectType string) (domain.Page, error) {
	if err := s.authorize(c, domain.TypeRef(objectType), domain.KeyRead); err != nil {
		return domain.Page{}, err
	}
	return pageParams(c)
}

// permissionCheck is one right a route may be open to: need on obj.
type permissionCheck struct {
	obj  domain.ObjectRef
	need domain.Key
}

// authorizeAny lets the caller through when they pass any one of checks,
// tried in order, so put the right most callers hold first. A caller who
// passes none gets KindForbidden with refusal as the message.
func (s *Server) authorizeAny(c *gin.Context, refusal string, checks ...permissionCheck) error {
	for _, check := range checks {
		err := s.authorize(c, check.obj, check.need)
		if err == nil || !domain.IsKind(err, domain.KindForbidden) {
			return err
		}
	}
	return domain.Errorf(domain.KindForbidden, "%s", refusal)
}
