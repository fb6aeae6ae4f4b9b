package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// Bounds of GET /capacity's window.
const (
	defaultCapacityWindow = 7 * 24 * time.Hour
	maxCapacityWindow     = 92 * 24 * time.Hour
)

// CapacityView is the planned load of the nodes between From and To: per
// node a step function of the planned VMs and their memory against the
// node's memory, and the planned events contributing to it.
type CapacityView struct {
	From          time.Time             `json:"from"`
	To            time.Time             `json:"to"`
	CloneSlots    int                   `json:"clone_slots"`
	CapPerStorage int                   `json:"clone_cap_per_storage"`
	Nodes         []domain.NodeSchedule `json:"nodes"`
	Events        []CapacityEvent       `json:"events"`
}

// CapacityEvent is a planned event as GET /capacity shows it: when its VMs
// appear and go, how many there are and their memory, the lead time it
// needs among the others, and its demand per machine.
type CapacityEvent struct {
	ID               uuid.UUID              `json:"id"`
	Name             string                 `json:"name"`
	DeployAt         time.Time              `json:"deploy_at"`
	StartsAt         time.Time              `json:"starts_at"`
	EndsAt           *time.Time             `json:"ends_at"`
	VMs              int                    `json:"vms"`
	MemoryBytes      int64                  `json:"memory_bytes"`
	RequiredLeadTime string                 `json:"required_lead_time"`
	Machines         []domain.MachineDemand `json:"machines"`
}

// getCapacity answers the nodes' planned load between ?from= and ?to=
// (RFC 3339; now and a week later by default) to whoever may create
// events: administrators and instructors.
func (s *Server) getCapacity(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectEvent), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	from, to, err := capacityWindow(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	nodes, err := s.capacity.CapacityNodes(ctx)
	if err != nil {
		abortWithError(c, err)
		return
	}
	events, err := s.capacity.PlannedEvents(ctx, from, to, s.eventDefaults.LeadTime)
	if err != nil {
		abortWithError(c, err)
		return
	}
	m := domain.CapacityModel{Nodes: nodes, CapPerStorage: s.capPerStorage, Events: events}
	view := CapacityView{From: from, To: to, CloneSlots: m.CloneSlots(), CapPerStorage: s.capPerStorage,
		Nodes: m.Schedule(from, to), Events: make([]CapacityEvent, len(events))}
	for i := range events {
		ev := &events[i]
		view.Events[i] = CapacityEvent{ID: ev.ID, Name: ev.Name, DeployAt: ev.DeployAt, StartsAt: ev.StartsAt,
			EndsAt: ev.EndsAt, VMs: ev.VMs(), MemoryBytes: ev.MemoryBytes(),
			RequiredLeadTime: ceilMinute(m.RequiredLeadTime(ev)).String(), Machines: nonNil(ev.Machines)}
	}
	c.JSON(http.StatusOK, view)
}

// capacityWindow parses ?from= and ?to=.
func capacityWindow(c *gin.Context) (time.Time, time.Time, error) {
	var v domain.Validator
	from, to := time.Now().UTC().Truncate(time.Second), time.Time{}
	if raw := c.Query("from"); raw != "" {
		t, err := time.Parse(time.RFC3339, raw)
		v.Check(err == nil, "from", "must be a time such as 2026-03-01T09:00:00Z")
		from = t
	}
	to = from.Add(defaultCapacityWindow)
	if raw := c.Query("to"); raw != "" {
		t, err := time.Parse(time.RFC3339, raw)
		v.Check(err == nil, "to", "must be a time such as 2026-03-08T09:00:00Z")
		to = t
	}
	if v.Valid() {
		v.Check(to.After(from), "to", "must be after from")
		v.Check(to.Sub(from) <= maxCapacityWindow, "to", "must be at most 92 days after from")
	}
	return from, to, v.Err()
}
