package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// recordEventActivity appends an entry to the event's timeline in the
// caller's name, about the participant user (nil: the whole event). A
// failure is logged, not answered: the change it describes is already
// stored (and audited).
func (s *Server) recordEventActivity(c *gin.Context, eventID uuid.UUID, user *uuid.UUID, kind domain.EventActivityKind,
	message string, details map[string]any) {
	a := &domain.EventActivity{EventID: eventID, UserID: user, Kind: kind, Message: message, Details: details}
	if u := currentUser(c); u != nil {
		a.ActorID, a.Actor = &u.ID, u.Username
	}
	if err := s.eventActivity.RecordEventActivity(c.Request.Context(), a); err != nil {
		loggerFrom(c).Error("event activity not stored", slog.Any("error", err), slog.Any("activity", a))
	}
}

// scheduleDetails are an event's dates as a timeline shows them.
func scheduleDetails(e *domain.Event) map[string]any {
	d := map[string]any{"starts_at": e.StartsAt.UTC().Format(time.RFC3339), "ends_at": nil, "lead_time": durationString(e.LeadTime)}
	if e.EndsAt != nil {
		d["ends_at"] = e.EndsAt.UTC().Format(time.RFC3339)
	}
	if e.LeadTime == nil {
		d["lead_time"] = nil
	}
	return d
}

// recordEventUpdate records a PATCH: dates_changed with the new schedule
// when the start, end or lead time moved, else updated.
func (s *Server) recordEventUpdate(c *gin.Context, e *domain.Event, before, after *EventView) {
	moved := !before.StartsAt.Equal(after.StartsAt) || !sameTime(before.EndsAt, after.EndsAt) ||
		before.EffectiveLeadTime != after.EffectiveLeadTime
	if moved {
		s.recordEventActivity(c, e.ID, nil, domain.EventActivityDatesChanged, "dates changed", scheduleDetails(e))
		return
	}
	s.recordEventActivity(c, e.ID, nil, domain.EventActivityUpdated, "details changed", nil)
}

// sameTime reports whether two optional times are both unset or equal.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// eventTimeline lists the event's activity entries (?order=oldest for
// oldest first; newest first by default) to whoever may read the event; a
// caller who may not change it sees the entries about the whole event and
// about themself only, as in the overview.
func (s *Server) eventTimeline(c *gin.Context) {
	e, err := s.loadEvent(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	order := c.DefaultQuery("order", "newest")
	if order != "newest" && order != "oldest" {
		abortWithError(c, fieldError("order", "must be newest or oldest"))
		return
	}
	f := domain.EventActivityFilter{EventID: e.ID, OldestFirst: order == "oldest", Page: page}
	if s.authorizeEvent(c, e.ID, domain.KeyUpdate) != nil {
		me := currentUser(c).ID
		f.VisibleTo = &me
	}
	entries, next, err := s.eventActivity.ListEventActivity(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(nonNil(entries), next))
}
