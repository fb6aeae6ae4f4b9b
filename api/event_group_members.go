package api

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// A group's membership is resolved again by every deployed event it takes
// part in whenever it changes: a member added gets their VMs, a member
// removed loses theirs (unless they still take part otherwise).

// liveStates are the event states whose lifecycle provisions membership
// changes.
var liveStates = []domain.EventState{domain.EventDeploying, domain.EventReady, domain.EventRunning}

// liveEventsOf returns the deploying, ready and running events user takes
// part in, directly or through a group.
func (s *Server) liveEventsOf(ctx context.Context, user uuid.UUID) ([]domain.Event, error) {
	var out []domain.Event
	for _, st := range liveStates {
		f := domain.EventFilter{ParticipantID: &user, State: st, Page: domain.Page{Limit: domain.MaxPageLimit}}
		for {
			events, next, err := s.events.ListEvents(ctx, f)
			if err != nil {
				return nil, err
			}
			out = append(out, events...)
			if next == "" {
				break
			}
			f.Page.Cursor = next
		}
	}
	return out, nil
}

// resyncGroupEvents tells the lifecycles of events that group's
// membership changed (update: add-participant or remove-participant).
// The group change is stored already, so a lifecycle that cannot be told
// is logged, not reported: its next membership change or the teardown
// catches up.
func (s *Server) resyncGroupEvents(c *gin.Context, events []domain.Event, update string, group uuid.UUID) {
	ctx := context.WithoutCancel(c.Request.Context())
	for i := range events {
		e := &events[i]
		if _, err := s.updateEventLifecycle(ctx, e, update, workflows.ParticipantChange{GroupID: group}); err != nil {
			loggerFrom(c).Warn("an event did not take the group's new membership", slog.String("event", e.ID.String()),
				slog.String("group", group.String()), slog.Any("error", err))
		}
	}
}
