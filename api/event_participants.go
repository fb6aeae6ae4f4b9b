package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// listEventParticipants answers the users and groups taking part in the
// event and the members they resolve to (those who may change the event).
func (s *Server) listEventParticipants(c *gin.Context) {
	e, err := s.loadEvent(c, domain.KeyUpdate)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.answerParticipants(c, e)
}

// answerParticipants answers 200 with who takes part in e now.
func (s *Server) answerParticipants(c *gin.Context, e *domain.Event) {
	ctx := c.Request.Context()
	users, err := s.events.ListParticipants(ctx, e.ID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	groups, err := s.events.ListEventGroups(ctx, e.ID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	members, err := s.events.EventMembers(ctx, e.ID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, EventParticipants{Users: nonNil(users), Groups: nonNil(groups), Members: nonNil(members)})
}

// addEventParticipant adds a user or a group to a planned event, or
// changes its role (event.manage on the event); while it is deployed its
// lifecycle provisions what the change adds.
func (s *Server) addEventParticipant(c *gin.Context) {
	e, err := s.loadEvent(c, domain.KeyEventManage)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req EventParticipantRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if err := requireChangeableParticipants(e); err != nil {
		abortWithError(c, err)
		return
	}
	if req.Role == "" {
		req.Role = domain.EventRoleParticipant
	}
	switch {
	case (req.UserID == "") == (req.GroupID == ""):
		err = fieldError("user_id", "name either a user (user_id) or a group (group_id)")
	case req.UserID != "":
		err = s.addUserToEvent(c, e, req.UserID, req.Role)
	default:
		err = s.addGroupToEvent(c, e, req.GroupID, req.Role)
	}
	if err == nil && liveEvent(e) {
		_, err = s.updateEventLifecycle(c.Request.Context(), e, workflows.UpdateAddParticipant, participantChange(req.UserID, req.GroupID))
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.keepLeadTime(c, e)
	s.answerParticipants(c, e)
}

// participantChange names the user or group (ids already checked) whose
// participation changed.
func participantChange(userID, groupID string) workflows.ParticipantChange {
	var ch workflows.ParticipantChange
	ch.UserID, _ = uuid.Parse(userID)
	ch.GroupID, _ = uuid.Parse(groupID)
	return ch
}

// addUserToEvent adds the user raw names to e in role.
func (s *Server) addUserToEvent(c *gin.Context, e *domain.Event, raw, role string) error {
	userID, err := s.existingUser(c, "user_id", raw)
	if err != nil {
		return err
	}
	p := &domain.EventParticipant{EventID: e.ID, UserID: userID, Role: role}
	if err := p.Validate(); err != nil {
		return err
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		return auditEntry{"event.participant.add", domain.ObjectEvent, e.ID.String(), nil, p}, s.events.AddParticipant(ctx, p)
	}); err != nil {
		return err
	}
	s.recordEventActivity(c, e.ID, &userID, domain.EventActivityParticipantAdded, "participant added",
		map[string]any{"user_id": userID.String(), "role": role})
	return nil
}

// addGroupToEvent adds the group raw names to e in role.
func (s *Server) addGroupToEvent(c *gin.Context, e *domain.Event, raw, role string) error {
	groupID, err := s.existingGroup(c, raw)
	if err != nil {
		return err
	}
	g := &domain.EventGroup{EventID: e.ID, GroupID: groupID, Role: role}
	if err := g.Validate(); err != nil {
		return err
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		return auditEntry{"event.group.add", domain.ObjectEvent, e.ID.String(), nil, g}, s.events.AddEventGroup(ctx, g)
	}); err != nil {
		return err
	}
	s.recordEventActivity(c, e.ID, nil, domain.EventActivityParticipantAdded, "group added",
		map[string]any{"group_id": groupID.String(), "role": role})
	return nil
}

// removeEventParticipant removes the user (?user_id=) or group
// (?group_id=) from a planned or deployed event (event.manage on the
// event); its lifecycle tears down only their VMs.
func (s *Server) removeEventParticipant(c *gin.Context) {
	e, err := s.loadEvent(c, domain.KeyEventManage)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := requireChangeableParticipants(e); err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	userID := queryID(&v, c, "user_id", "must be a user id")
	groupID := queryID(&v, c, "group_id", "must be a group id")
	v.Check((userID == nil) != (groupID == nil), "user_id", "name either a user (user_id) or a group (group_id)")
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	// The removal and its record commit together; the lifecycle hears
	// of it once it is committed.
	err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
		entry := auditEntry{"event.participant.remove", domain.ObjectEvent, e.ID.String(),
			map[string]any{"user_id": userID, "group_id": groupID}, nil}
		if userID != nil {
			return entry, s.events.RemoveParticipant(ctx, e.ID, *userID)
		}
		return entry, s.events.RemoveEventGroup(ctx, e.ID, *groupID)
	})
	ctx := c.Request.Context()
	if err == nil && liveEvent(e) {
		ch := workflows.ParticipantChange{}
		if userID != nil {
			ch.UserID = *userID
		} else {
			ch.GroupID = *groupID
		}
		_, err = s.updateEventLifecycle(ctx, e, workflows.UpdateRemoveParticipant, ch)
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	removed := map[string]any{}
	if userID != nil {
		removed["user_id"] = userID.String()
	} else {
		removed["group_id"] = groupID.String()
	}
	s.recordEventActivity(c, e.ID, userID, domain.EventActivityParticipantRemoved, "participant removed", removed)
	c.Status(http.StatusNoContent)
}

// existingGroup parses raw as the id of an existing group, or reports
// group_id.
func (s *Server) existingGroup(c *gin.Context, raw string) (uuid.UUID, error) {
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, fieldError("group_id", "must be a group id")
	}
	if _, err := s.groups.FindGroup(c.Request.Context(), id); err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			return uuid.Nil, fieldError("group_id", "must name an existing group")
		}
		return uuid.Nil, err
	}
	return id, nil
}

// nonNil is s, or an empty slice for nil, so that JSON shows [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
