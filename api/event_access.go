package api

import (
	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// authorizeEvent asks domain.Authorize whether the caller may do need to
// the event, weighing, besides their permissions, the role they hold in
// it (domain.EventRoleKeys): its instructors manage it, its participants
// read it.
func (s *Server) authorizeEvent(c *gin.Context, id uuid.UUID, need domain.Key) error {
	ctx := c.Request.Context()
	subject := subjectOf(currentUser(c))
	obj := domain.Ref(domain.ObjectEvent, id)
	perms, err := s.permissions.PermissionsFor(ctx, subject, obj)
	if err != nil {
		return err
	}
	if domain.Authorize(subject, perms, obj, need) == nil {
		return nil
	}
	role, err := s.events.EventRole(ctx, id, subject.UserID)
	if err != nil {
		return err
	}
	return domain.Authorize(subject, append(perms, domain.EventRolePermissions(subject.UserID, id, role)...), obj, need)
}

// loadEvent finds the :id event after checking the caller may do need to it.
func (s *Server) loadEvent(c *gin.Context, need domain.Key) (*domain.Event, error) {
	id, err := pathID(c, domain.ObjectEvent)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeEvent(c, id, need); err != nil {
		return nil, err
	}
	return s.events.FindEvent(c.Request.Context(), id)
}

// requirePlanned refuses changes the API makes itself once the event has
// left planned: from then on its lifecycle workflow owns it.
func requirePlanned(e *domain.Event, what string) error {
	if e.State != domain.EventPlanned {
		return domain.Errorf(domain.KindConflict, "event %s is %s: %s only while it is planned", e.ID, e.State, what)
	}
	return nil
}

// readableEnvironment reports, as a field error of environment_id, an
// environment the caller may not read or that does not exist.
func (s *Server) readableEnvironment(c *gin.Context, id uuid.UUID) error {
	err := s.authorize(c, domain.Ref(domain.ObjectEnvironment, id), domain.KeyRead)
	if err == nil {
		_, err = s.environments.FindEnvironment(c.Request.Context(), id)
	}
	if domain.IsKind(err, domain.KindNotFound) || domain.IsKind(err, domain.KindForbidden) {
		return fieldError("environment_id", "must name an environment you may read")
	}
	return err
}
