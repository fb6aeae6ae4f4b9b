package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// GroupRequest creates a group (POST: name required) or changes the
// fields it names (PATCH). MemberIDs, when present, replaces the members.
type GroupRequest struct {
	Name        *string      `json:"name"`
	Description *string      `json:"description"`
	MemberIDs   *[]uuid.UUID `json:"member_ids"`
}

// GroupMemberRequest names a user to add to a group.
type GroupMemberRequest struct {
	UserID string `json:"user_id"`
}

// applyGroupRequest copies req's fields into g and validates the result.
func applyGroupRequest(g *domain.Group, req *GroupRequest) error {
	if req.Name != nil {
		g.Name = *req.Name
	}
	if req.Description != nil {
		g.Description = *req.Description
	}
	if req.MemberIDs != nil {
		g.MemberIDs = *req.MemberIDs
	}
	return g.Validate()
}

// listGroups lists groups for whoever may read every group: administrators
// and instructors (who hand groups to events).
func (s *Server) listGroups(c *gin.Context) {
	page, err := s.listPage(c, domain.ObjectGroup)
	if err != nil {
		abortWithError(c, err)
		return
	}
	groups, next, err := s.groups.ListGroups(c.Request.Context(), page)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(groups, next))
}

func (s *Server) createGroup(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectGroup), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req GroupRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	g := &domain.Group{MemberIDs: []uuid.UUID{}}
	if err := applyGroupRequest(g, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.groups.CreateGroup(ctx, g); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"group.create", domain.ObjectGroup, g.ID.String(), nil, g}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Location", "/api/v1/groups/"+g.ID.String())
	c.JSON(http.StatusCreated, g)
}

func (s *Server) getGroup(c *gin.Context) {
	g, err := loadObject(s, c, domain.ObjectGroup, domain.KeyRead, s.groups.FindGroup)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, g)
}

func (s *Server) updateGroup(c *gin.Context) {
	g, err := loadObject(s, c, domain.ObjectGroup, domain.KeyUpdate, s.groups.FindGroup)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req GroupRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	before := *g
	if err := applyGroupRequest(g, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.groups.UpdateGroup(ctx, g); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"group.update", domain.ObjectGroup, g.ID.String(), &before, g}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, g)
}

func (s *Server) deleteGroup(c *gin.Context) {
	g, err := loadObject(s, c, domain.ObjectGroup, domain.KeyDelete, s.groups.FindGroup)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.groups.DeleteGroup(ctx, g.ID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"group.delete", domain.ObjectGroup, g.ID.String(), g, nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// addGroupMember adds a user to the group and answers the group; the
// deployed events the group takes part in provision the new member.
func (s *Server) addGroupMember(c *gin.Context) {
	g, err := loadObject(s, c, domain.ObjectGroup, domain.KeyUpdate, s.groups.FindGroup)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req GroupMemberRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	userID, err := s.existingUser(c, "user_id", req.UserID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.groups.AddGroupMember(ctx, g.ID, userID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"group.member.add", domain.ObjectGroup, g.ID.String(), nil, map[string]any{"user_id": userID}}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	events, err := s.liveEventsOf(ctx, userID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.resyncGroupEvents(c, events, workflows.UpdateAddParticipant, g.ID)
	if g, err = s.groups.FindGroup(ctx, g.ID); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, g)
}

// removeGroupMember removes a user from the group; the deployed events
// they took part in through it tear down their VMs.
func (s *Server) removeGroupMember(c *gin.Context) {
	g, err := loadObject(s, c, domain.ObjectGroup, domain.KeyUpdate, s.groups.FindGroup)
	if err != nil {
		abortWithError(c, err)
		return
	}
	userID, err := uuid.Parse(c.Param("user_id"))
	if err != nil {
		abortWithError(c, domain.NotFoundf("user %q is not a member of group %s", c.Param("user_id"), g.ID))
		return
	}
	ctx := c.Request.Context()
	// The events are those the user takes part in before leaving.
	events, err := s.liveEventsOf(ctx, userID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.groups.RemoveGroupMember(ctx, g.ID, userID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"group.member.remove", domain.ObjectGroup, g.ID.String(), map[string]any{"user_id": userID}, nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	s.resyncGroupEvents(c, events, workflows.UpdateRemoveParticipant, g.ID)
	c.Status(http.StatusNoContent)
}

// existingUser parses raw as the id of an existing user, or reports field.
func (s *Server) existingUser(c *gin.Context, field, raw string) (uuid.UUID, error) {
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, fieldError(field, "must be a user id")
	}
	if _, err := s.users.FindUserByID(c.Request.Context(), id); err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			return uuid.Nil, fieldError(field, "must name an existing user")
		}
		return uuid.Nil, err
	}
	return id, nil
}
