package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// CollaboratorRequest names the user to add as a container's collaborator.
type CollaboratorRequest struct {
	UserID string `json:"user_id"`
}

// Who collaborates on a container is up to those holding full on it: its
// owner and administrators.

func (s *Server) listCollaborators(c *gin.Context) {
	ct, err := s.loadContainer(c, domain.KeyFull)
	if err != nil {
		abortWithError(c, err)
		return
	}
	list, err := s.containers.ListCollaborators(c.Request.Context(), ct.ID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(list, ""))
}

// addCollaborator lets a user operate the container (domain.CollaboratorKeys).
func (s *Server) addCollaborator(c *gin.Context) {
	ct, err := s.loadContainer(c, domain.KeyFull)
	var req CollaboratorRequest
	if err == nil {
		err = bindJSON(c, &req)
	}
	userID, perr := uuid.Parse(req.UserID)
	if err == nil && perr != nil {
		err = fieldError("user_id", "must be a user id")
	}
	var added domain.Collaborator
	if err == nil {
		err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
			if err := s.containers.AddCollaborator(ctx, ct.ID, userID); err != nil {
				return auditEntry{}, err
			}
			list, err := s.containers.ListCollaborators(ctx, ct.ID)
			if err != nil {
				return auditEntry{}, err
			}
			for _, co := range list {
				if co.UserID == userID {
					added = co
					return auditEntry{"container.collaborator.add", domain.ObjectContainer, ct.ID.String(), nil, co}, nil
				}
			}
			return auditEntry{}, domain.Errorf(domain.KindInternal, "collaborator %s of container %s not listed once added", userID, ct.ID)
		})
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusCreated, added)
}

// removeCollaborator revokes every key the user holds on the container.
func (s *Server) removeCollaborator(c *gin.Context) {
	ct, err := s.loadContainer(c, domain.KeyFull)
	if err != nil {
		abortWithError(c, err)
		return
	}
	userID, err := uuid.Parse(c.Param("user_id"))
	if err != nil {
		abortWithError(c, domain.NotFoundf("user %q is no collaborator of container %s", c.Param("user_id"), ct.ID))
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.containers.RemoveCollaborator(ctx, ct.ID, userID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"container.collaborator.remove", domain.ObjectContainer, ct.ID.String(), map[string]any{"user_id": userID}, nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
