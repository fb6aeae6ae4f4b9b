package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// An event's changes after it is created go through its EventLifecycle
// workflow as Updates: the workflow's validator refuses an invalid change
// synchronously (409 for the event's state, 422 for a refused value) and
// an accepted one answers the event's new state.

// startEventLifecycle starts e's lifecycle workflow; when it already runs
// this is a no-op, so the API may call it before every action on a
// planned event.
func (s *Server) startEventLifecycle(ctx context.Context, e *domain.Event) error {
	in := workflows.EventLifecycleInput{EventID: e.ID, DeployConcurrency: s.eventDeployCap}
	run, err := s.temporal.ExecuteWorkflow(ctx, workflows.EventStartOptions(e.ID), workflows.EventLifecycleType.Name, in)
	if err != nil {
		return err
	}
	s.logger.Debug("event lifecycle running", slog.String("event", e.ID.String()), slog.String("run", run.GetRunID()))
	return nil
}

// updateEventLifecycle sends e's lifecycle the Update name with args and
// waits for its answer. A planned event's lifecycle is started first (it
// may predate lifecycles, or its start may have failed).
func (s *Server) updateEventLifecycle(ctx context.Context, e *domain.Event, name string, args ...any) (workflows.EventSummary, error) {
	var sum workflows.EventSummary
	if e.State == domain.EventPlanned {
		if err := s.startEventLifecycle(ctx, e); err != nil {
			return sum, err
		}
	}
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.EventLifecycleWorkflowID(e.ID), UpdateName: name, Args: args,
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &sum)
	}
	return sum, lifecycleError(e, err)
}

// lifecycleError maps the lifecycle's refusals to domain kinds: its
// Conflict to KindConflict, its Invalid to KindUnprocessable, a missing
// workflow to KindConflict (the event has no lifecycle to change).
func lifecycleError(e *domain.Event, err error) error {
	if err == nil {
		return nil
	}
	var ae *temporal.ApplicationError
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &ae) && ae.Type() == activities.ErrTypeConflict:
		return domain.Errorf(domain.KindConflict, "%s", ae.Message())
	case errors.As(err, &ae) && ae.Type() == activities.ErrTypeInvalid:
		return domain.Errorf(domain.KindUnprocessable, "%s", ae.Message())
	case errors.As(err, &nf):
		return domain.Errorf(domain.KindConflict, "event %s is %s and has no running lifecycle workflow", e.ID, e.State)
	}
	return err
}

// eventAction answers POST /events/{id}/{action}: the Update name, with
// no argument, needing event.manage; 200 with the lifecycle's summary.
func (s *Server) eventAction(update string) gin.HandlerFunc {
	return func(c *gin.Context) {
		e, err := s.loadEvent(c, domain.KeyEventManage)
		if err != nil {
			abortWithError(c, err)
			return
		}
		sum, err := s.updateEventLifecycle(c.Request.Context(), e, update)
		if err != nil {
			abortWithError(c, err)
			return
		}
		s.recordAudit(c, "event."+update, domain.ObjectEvent, e.ID.String(), nil, sum)
		c.JSON(http.StatusOK, sum)
	}
}

// liveEvent reports whether e's lifecycle provisions participant changes.
func liveEvent(e *domain.Event) bool {
	return e.State == domain.EventDeploying || e.State == domain.EventReady || e.State == domain.EventRunning
}

// requireChangeableParticipants refuses a participant change outside the
// planned and live states.
func requireChangeableParticipants(e *domain.Event) error {
	if e.State == domain.EventPlanned || liveEvent(e) {
		return nil
	}
	return domain.Errorf(domain.KindConflict, "event %s is %s: its participants can no longer change", e.ID, e.State)
}
