package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// capacityHorizon is how far past an event without an end capacity
// planning looks for events its VMs would share the nodes with.
const capacityHorizon = 365 * 24 * time.Hour

// eventPlan is an event as capacity planning sees it, among the other
// events planned around it.
type eventPlan struct {
	model    domain.CapacityModel
	demand   *domain.PlannedEvent
	required time.Duration
}

// planEvent computes e's plan: its demand (with e's fields as given), the
// nodes, and the planned events whose VMs exist from a maximum lead time
// before e's start to its end.
func (s *Server) planEvent(ctx context.Context, e *domain.Event) (*eventPlan, error) {
	demand, err := s.capacity.EventDemand(ctx, e, s.eventDefaults.LeadTime)
	if err != nil {
		return nil, err
	}
	nodes, err := s.capacity.CapacityNodes(ctx)
	if err != nil {
		return nil, err
	}
	to := e.StartsAt.Add(capacityHorizon)
	if e.EndsAt != nil {
		to = *e.EndsAt
	}
	events, err := s.capacity.PlannedEvents(ctx, e.StartsAt.Add(-domain.MaxLeadTime), to, s.eventDefaults.LeadTime)
	if err != nil {
		return nil, err
	}
	p := &eventPlan{model: domain.CapacityModel{Nodes: nodes, CapPerStorage: s.capPerStorage, Events: events}, demand: demand}
	p.required = p.model.RequiredLeadTime(demand)
	return p, nil
}

// requiredLeadTime is the lead time e needs, rounded up to the minute, or
// nil when it cannot be computed (the failure is logged: it only informs).
func (s *Server) requiredLeadTime(c *gin.Context, e *domain.Event) *time.Duration {
	p, err := s.planEvent(c.Request.Context(), e)
	if err != nil {
		loggerFrom(c).Warn("event capacity not computed", slog.String("event", e.ID.String()), slog.Any("error", err))
		return nil
	}
	d := ceilMinute(p.required)
	return &d
}

// ceilMinute rounds d up to a whole minute.
func ceilMinute(d time.Duration) time.Duration {
	return (d + time.Minute - 1).Truncate(time.Minute)
}

// fitEvent checks that e, as it is about to be stored, can be ready at its
// start and does not overbook memory, and answers its required lead time.
// An event without a lead time of its own whose required lead time exceeds
// the configured default gets the required one (rounded up to the
// minute), so its lifecycle workflow deploys early enough. A misfit is
// KindConflict naming starts_at or lead_time, unless force is set by an
// administrator; force from anyone else is KindForbidden.
func (s *Server) fitEvent(c *gin.Context, e *domain.Event, force bool) (time.Duration, error) {
	if force && !currentUser(c).HasRole(domain.RoleAdmin) {
		return 0, domain.Errorf(domain.KindForbidden, "only an administrator may force an event past capacity planning")
	}
	p, err := s.planEvent(c.Request.Context(), e)
	if err != nil {
		return 0, err
	}
	required := ceilMinute(p.required)
	if e.LeadTime == nil && required > s.eventDefaults.LeadTime {
		e.LeadTime = &required
	}
	p.demand.DeployAt = e.StartsAt.Add(-e.EffectiveLeadTime(s.eventDefaults))
	err = p.model.CheckEvent(p.demand, time.Now())
	if err != nil && force {
		loggerFrom(c).Warn("event forced past capacity planning", slog.String("event", e.ID.String()), slog.Any("misfit", err))
		err = nil
	}
	return required, err
}

// keepLeadTime lengthens e's lead time to the one capacity planning now
// computes it needs, when that is longer: after participants joined, so
// that its lifecycle workflow still deploys early enough. The change is
// audited and on the timeline; a failure is logged, since the
// participants are already stored.
func (s *Server) keepLeadTime(c *gin.Context, e *domain.Event) {
	required := s.requiredLeadTime(c, e)
	if required == nil || *required <= e.EffectiveLeadTime(s.eventDefaults) {
		return
	}
	before := eventView(e, s.eventDefaults)
	e.LeadTime = required
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.events.UpdateEvent(ctx, e); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"event.update", domain.ObjectEvent, e.ID.String(), before, eventView(e, s.eventDefaults)}, nil
	}); err != nil {
		loggerFrom(c).Error("event lead time not lengthened", slog.String("event", e.ID.String()), slog.Any("error", err))
		return
	}
	s.recordEventActivity(c, e.ID, nil, domain.EventActivityDatesChanged, "lead time lengthened to "+required.String()+
		" for the participants", scheduleDetails(e))
}
