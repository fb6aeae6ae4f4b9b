package api

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// listEvents lists every event to whoever may read them all
// (administrators), and otherwise those the caller owns, was granted or
// takes part in (directly or through a group).
func (s *Server) listEvents(c *gin.Context) {
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	f := domain.EventFilter{Page: page, State: domain.EventState(c.Query("state"))}
	v.Check(f.State == "" || slices.Contains(domain.EventStates, f.State), "state", "must be an event state such as planned")
	f.EnvironmentID = queryID(&v, c, "environment", "must be an environment id")
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	if s.authorize(c, domain.TypeRef(domain.ObjectEvent), domain.KeyRead) != nil {
		me := currentUser(c).ID
		f.VisibleTo = &me
	}
	events, next, err := s.events.ListEvents(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	views := make([]EventView, len(events))
	for i := range events {
		views[i] = eventView(&events[i], s.eventDefaults)
	}
	c.JSON(http.StatusOK, newList(views, next))
}

// createEvent stores a planned event owned by the caller, of an
// environment they may read, starting in the future.
func (s *Server) createEvent(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectEvent), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req EventRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	e := &domain.Event{OwnerID: currentUser(c).ID, State: domain.EventPlanned}
	if err := s.checkEventRequest(c, e, &req, true); err != nil {
		abortWithError(c, err)
		return
	}
	required, err := s.fitEvent(c, e, req.Force)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := s.events.CreateEvent(ctx, e); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.startEventLifecycle(ctx, e); err != nil {
		// Without its lifecycle the event would never deploy.
		if derr := s.events.DeleteEvent(context.WithoutCancel(ctx), e.ID); derr != nil {
			loggerFrom(c).Error("deleting an event whose lifecycle did not start", slog.Any("error", derr))
		}
		abortWithError(c, err)
		return
	}
	view := eventView(e, s.eventDefaults)
	view.RequiredLeadTime = durationString(&required)
	s.recordAudit(c, "event.create", domain.ObjectEvent, e.ID.String(), nil, view)
	s.recordEventActivity(c, e.ID, nil, domain.EventActivityCreated, "event created", scheduleDetails(e))
	c.Header("Location", "/api/v1/events/"+e.ID.String())
	c.JSON(http.StatusCreated, view)
}

// checkEventRequest applies req to e and checks what the store cannot:
// a new start lies in the future, and the environment is one the caller
// may read.
func (s *Server) checkEventRequest(c *gin.Context, e *domain.Event, req *EventRequest, creating bool) error {
	err := applyEventRequest(e, req)
	if creating || req.changesSchedule() {
		// A start that does not parse is reported as such, not as past.
		err = mergeErrors(e.ValidateNewSchedule(time.Now()), err)
	}
	if err != nil {
		return err
	}
	if creating || req.EnvironmentID != nil {
		return s.readableEnvironment(c, e.EnvironmentID)
	}
	return nil
}

func (s *Server) getEvent(c *gin.Context) {
	e, err := s.loadEvent(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	view := eventView(e, s.eventDefaults)
	if e.State == domain.EventPlanned {
		view.RequiredLeadTime = durationString(s.requiredLeadTime(c, e))
	}
	c.JSON(http.StatusOK, view)
}

// updateEvent changes a planned event's name, short name, description,
// environment and dates; its lifecycle re-arms its timers for new dates.
// Once the event has deployed only its dates change, through the
// lifecycle's change-dates Update.
func (s *Server) updateEvent(c *gin.Context) {
	e, err := s.loadEvent(c, domain.KeyUpdate)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req EventRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	before := eventView(e, s.eventDefaults)
	var required *time.Duration
	if e.State == domain.EventPlanned {
		required, err = s.updatePlannedEvent(c, e, &req)
	} else {
		e, err = s.changeEventDates(c, e, &req)
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	view := eventView(e, s.eventDefaults)
	view.RequiredLeadTime = durationString(required)
	s.recordAudit(c, "event.update", domain.ObjectEvent, e.ID.String(), before, view)
	s.recordEventUpdate(c, e, &before, &view)
	c.JSON(http.StatusOK, view)
}

// updatePlannedEvent stores req's changes and, when they move the dates,
// tells the lifecycle so that it re-arms its timers.
// It returns the lead time the event now requires (capacity planning): a
// change of its demand is checked first (fitEvent) and refused with 409
// when it cannot fit, unless an administrator forces it.
func (s *Server) updatePlannedEvent(c *gin.Context, e *domain.Event, req *EventRequest) (*time.Duration, error) {
	if err := s.checkEventRequest(c, e, req, false); err != nil {
		return nil, err
	}
	var required *time.Duration
	if req.changesDemand() || req.Force {
		d, err := s.fitEvent(c, e, req.Force)
		if err != nil {
			return nil, err
		}
		required = &d
	} else {
		required = s.requiredLeadTime(c, e)
	}
	ctx := c.Request.Context()
	if err := s.events.UpdateEvent(ctx, e); err != nil {
		return nil, err
	}
	if !req.movesDates() {
		return required, nil
	}
	_, err := s.updateEventLifecycle(ctx, e, workflows.UpdateChangeDates, s.datesChange(e, req))
	return required, err
}

// changeEventDates sends the dates req changes to the lifecycle of an
// event that is no longer planned, and returns the event as stored then.
func (s *Server) changeEventDates(c *gin.Context, e *domain.Event, req *EventRequest) (*domain.Event, error) {
	if req.Name != nil || req.ShortName != nil || req.Description != nil || req.EnvironmentID != nil {
		return nil, domain.Errorf(domain.KindConflict,
			"event %s is %s: only its dates (starts_at, ends_at, lead_time, transition_period) change now", e.ID, e.State)
	}
	if !req.movesDates() {
		return e, nil
	}
	changed := *e
	if err := applyEventRequest(&changed, req); err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	dates := s.datesChange(&changed, req)
	if _, err := s.updateEventLifecycle(ctx, e, workflows.UpdateChangeDates, dates); err != nil {
		return nil, err
	}
	return s.events.FindEvent(ctx, e.ID)
}

// datesChange is the change-dates request for the dates req names, with
// e's values after the change (a null lead time or transition period is
// the configured default, which the lifecycle then stores).
func (s *Server) datesChange(e *domain.Event, req *EventRequest) workflows.ChangeDatesRequest {
	var d workflows.ChangeDatesRequest
	if req.StartsAt != nil {
		start := e.StartsAt
		d.StartsAt = &start
	}
	if req.EndsAt.Set {
		d.EndsAt, d.ClearEnd = e.EndsAt, e.EndsAt == nil
	}
	if req.LeadTime.Set {
		lead := e.EffectiveLeadTime(s.eventDefaults)
		d.LeadTime = &lead
	}
	if req.TransitionPeriod.Set {
		transition := e.EffectiveTransitionPeriod(s.eventDefaults)
		d.TransitionPeriod = &transition
	}
	return d
}

// deleteEvent deletes an event that holds nothing: planned, cancelled or
// decommissioned.
func (s *Server) deleteEvent(c *gin.Context) {
	e, err := s.loadEvent(c, domain.KeyDelete)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if !e.State.Deletable() {
		abortWithError(c, domain.Errorf(domain.KindConflict,
			"event %s is %s: only a planned, cancelled or decommissioned event can be deleted", e.ID, e.State))
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.events.DeleteEvent(ctx, e.ID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"event.delete", domain.ObjectEvent, e.ID.String(), eventView(e, s.eventDefaults), nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// eventOverview shows the event with its members, items and connections;
// a caller who may not change the event sees only themself and their own
// items and connections.
func (s *Server) eventOverview(c *gin.Context) {
	e, err := s.loadEvent(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	var only *uuid.UUID
	if s.authorizeEvent(c, e.ID, domain.KeyUpdate) != nil {
		me := currentUser(c).ID
		only = &me
	}
	members, err := s.events.EventMembers(ctx, e.ID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	items, err := s.events.ListEventItems(ctx, e.ID, only)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var conns []domain.EventConnection
	if s.connections != nil {
		if conns, err = s.connections.ListEventConnections(ctx, e.ID, only); err != nil {
			abortWithError(c, err)
			return
		}
	}
	if only != nil {
		members = slices.DeleteFunc(members, func(m domain.EventMember) bool { return m.UserID != *only })
	}
	o := newEventOverview(eventView(e, s.eventDefaults), members, items)
	o.Connections = nonNil(conns)
	c.JSON(http.StatusOK, o)
}
