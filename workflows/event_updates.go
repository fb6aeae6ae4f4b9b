package workflows

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// The EventLifecycle Updates. Each validator refuses what the event's
// state does not allow, with a non-retryable error of type Conflict (the
// API answers 409) or Invalid (422), before anything is written to
// history; each handler answers the EventSummary after the change.

// registerUpdates registers every Update with its validator.
func (wf *eventLifecycle) registerUpdates(ctx workflow.Context) error {
	type update struct {
		name      string
		handler   any
		validator any
	}
	for _, u := range []update{
		{UpdateDeployNow, wf.deployNow, wf.validateDeployNow},
		{UpdateEndNow, wf.endNow, wf.validateEndNow},
		{UpdateChangeDates, wf.changeDates, wf.validateChangeDates},
		{UpdateCancel, wf.cancel, wf.validateCancel},
		{UpdateAddParticipant, wf.addParticipant, wf.validateParticipantChange},
		{UpdateRemoveParticipant, wf.removeParticipant, wf.validateParticipantChange},
		{UpdateRetryFailed, wf.retryFailed, wf.validateRetryFailed},
	} {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler,
			workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	return nil
}

func conflictf(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), activities.ErrTypeConflict, nil)
}

func invalidf(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), activities.ErrTypeInvalid, nil)
}

// handlerContext gives an Update handler's context what the workflow's
// has: the worker's Tuning and local bookkeeping (handlers run on a
// context of their own).
func (wf *eventLifecycle) handlerContext(ctx workflow.Context) workflow.Context {
	return workflow.WithValue(workflow.WithValue(ctx, tuningKey{}, wf.tuning), localBookkeepingKey{}, true)
}

// awaitLoaded waits until the first run has loaded its event, then
// validates again when the validator ran before the load (with the
// schedule still unknown).
func (wf *eventLifecycle) awaitLoaded(ctx workflow.Context, validate func() error) error {
	if wf.loaded {
		return nil
	}
	if err := workflow.Await(ctx, func() bool { return wf.loaded }); err != nil {
		return err
	}
	return validate()
}

// inState reports whether the event is in one of states.
func (wf *eventLifecycle) inState(states ...domain.EventState) bool {
	return slices.Contains(states, wf.s.Phase)
}

// provisioning reports whether the event provisions its participants' VMs
// as they change.
func (wf *eventLifecycle) provisioning() bool {
	return wf.inState(domain.EventDeploying, domain.EventReady, domain.EventRunning)
}

func (wf *eventLifecycle) validateDeployNow() error {
	if !wf.inState(domain.EventPlanned) || wf.s.CancelRequested {
		return conflictf("event is %s: only a planned event can be deployed now", wf.s.Phase)
	}
	return nil
}

// deployNow starts the deployment at once and answers once it has begun.
func (wf *eventLifecycle) deployNow(ctx workflow.Context) (EventSummary, error) {
	return wf.leavePlanned(ctx, wf.validateDeployNow, &wf.s.DeployRequested)
}

// leavePlanned sets the request flag of a planned event and answers once
// the event has left planned.
func (wf *eventLifecycle) leavePlanned(ctx workflow.Context, validate func() error, flag *bool) (EventSummary, error) {
	if err := wf.awaitLoaded(ctx, validate); err != nil {
		return wf.summary(), err
	}
	*flag = true
	wf.changes++
	err := workflow.Await(ctx, func() bool { return !wf.inState(domain.EventPlanned) })
	return wf.summary(), err
}

func (wf *eventLifecycle) validateEndNow() error {
	if !wf.inState(domain.EventDeploying, domain.EventReady, domain.EventRunning, domain.EventDeployFailed) || wf.s.EndRequested {
		return conflictf("event is %s: only a deploying, ready, running or failed event can be ended", wf.s.Phase)
	}
	return nil
}

// endNow ends the event: at once when it is ready or running (answering
// once it has ended), after the deployment when it is deploying.
func (wf *eventLifecycle) endNow(ctx workflow.Context) (EventSummary, error) {
	if err := wf.awaitLoaded(ctx, wf.validateEndNow); err != nil {
		return wf.summary(), err
	}
	wf.s.EndRequested = true
	wf.changes++
	if wf.inState(domain.EventReady, domain.EventRunning) {
		if err := workflow.Await(ctx, func() bool { return !wf.inState(domain.EventReady, domain.EventRunning) }); err != nil {
			return wf.summary(), err
		}
	}
	return wf.summary(), nil
}

func (wf *eventLifecycle) validateCancel() error {
	if !wf.inState(domain.EventPlanned) || wf.s.DeployRequested {
		return conflictf("event is %s: only a planned event can be cancelled; end it instead", wf.s.Phase)
	}
	return nil
}

// cancel cancels a planned event and answers once it is cancelled.
func (wf *eventLifecycle) cancel(ctx workflow.Context) (EventSummary, error) {
	return wf.leavePlanned(ctx, wf.validateCancel, &wf.s.CancelRequested)
}

// validateChangeDates refuses changes after the end (but the transition
// period), a start once the event has started, dates in the past and an
// end before the start.
func (wf *eventLifecycle) validateChangeDates(ctx workflow.Context, r ChangeDatesRequest) error {
	if wf.inState(domain.EventDecommissioning, domain.EventDecommissioned, domain.EventCancelled) {
		return conflictf("event is %s: its dates can no longer change", wf.s.Phase)
	}
	if r.StartsAt == nil && r.EndsAt == nil && !r.ClearEnd && r.LeadTime == nil && r.TransitionPeriod == nil {
		return invalidf("change-dates changes nothing: set starts_at, ends_at, clear_end, lead_time or transition_period")
	}
	now := workflow.Now(ctx)
	if wf.inState(domain.EventEnded) && (r.StartsAt != nil || r.EndsAt != nil || r.ClearEnd || r.LeadTime != nil) {
		return conflictf("event has ended: only its transition period can change")
	}
	if r.StartsAt != nil && !wf.inState(domain.EventPlanned, domain.EventDeploying, domain.EventReady) {
		return conflictf("event is %s: its start can no longer change", wf.s.Phase)
	}
	if r.StartsAt != nil && !r.StartsAt.After(now) {
		return invalidf("starts_at must be in the future")
	}
	if r.LeadTime != nil && (*r.LeadTime < 0 || *r.LeadTime > domain.MaxLeadTime) {
		return invalidf("lead_time must be between 0 and 7 days")
	}
	if r.TransitionPeriod != nil && (*r.TransitionPeriod < 0 || *r.TransitionPeriod > domain.MaxTransitionPeriod) {
		return invalidf("transition_period must be between 0 and 90 days")
	}
	if r.EndsAt != nil {
		start := wf.s.Event.Schedule.StartsAt
		if r.StartsAt != nil {
			start = *r.StartsAt
		}
		if !r.EndsAt.After(now) {
			return invalidf("ends_at must be in the future")
		}
		if !r.EndsAt.After(start) {
			return invalidf("ends_at must be after starts_at")
		}
	} else if r.StartsAt != nil && !r.ClearEnd && wf.s.Event.Schedule.EndsAt != nil && !wf.s.Event.Schedule.EndsAt.After(*r.StartsAt) {
		return invalidf("starts_at must be before the event's end")
	}
	return nil
}

// changeDates stores the new schedule; the waits re-arm their timers.
func (wf *eventLifecycle) changeDates(ctx workflow.Context, r ChangeDatesRequest) (EventSummary, error) {
	ctx = wf.handlerContext(ctx)
	if err := wf.awaitLoaded(ctx, func() error { return wf.validateChangeDates(ctx, r) }); err != nil {
		return wf.summary(), err
	}
	s := wf.s.Event.Schedule
	if r.StartsAt != nil {
		s.StartsAt = *r.StartsAt
	}
	if r.ClearEnd {
		s.EndsAt = nil
	}
	if r.EndsAt != nil {
		end := *r.EndsAt
		s.EndsAt = &end
	}
	if r.EndsAt != nil || r.ClearEnd {
		wf.s.EndingSoonSent = false
	}
	if r.LeadTime != nil {
		s.LeadTime = *r.LeadTime
	}
	if r.TransitionPeriod != nil {
		s.TransitionPeriod = *r.TransitionPeriod
	}
	change := activities.EventScheduleChange{Event: wf.in.EventID, StartsAt: r.StartsAt, EndsAt: r.EndsAt, ClearEnd: r.ClearEnd,
		LeadTime: r.LeadTime, TransitionPeriod: r.TransitionPeriod}
	if err := bookkeep(ctx, nil, eventActs.StoreEventSchedule, change); err != nil {
		return wf.summary(), err
	}
	wf.s.Event.Schedule = s
	wf.changes++
	return wf.summary(), nil
}

func (wf *eventLifecycle) validateParticipantChange(r ParticipantChange) error {
	if r.UserID == uuid.Nil && r.GroupID == uuid.Nil {
		return invalidf("name the user_id or group_id that changed")
	}
	if wf.inState(domain.EventEnded, domain.EventDecommissioning, domain.EventDecommissioned, domain.EventCancelled, domain.EventDeployFailed) {
		return conflictf("event is %s: its participants can no longer change", wf.s.Phase)
	}
	return nil
}

// addParticipant resolves the members again and provisions what is
// missing; while the event is planned there is nothing to provision (the
// deployment resolves the members).
func (wf *eventLifecycle) addParticipant(ctx workflow.Context, r ParticipantChange) (EventSummary, error) {
	ctx = wf.handlerContext(ctx)
	if err := wf.awaitLoaded(ctx, func() error { return wf.validateParticipantChange(r) }); err != nil {
		return wf.summary(), err
	}
	if err := wf.resyncMembers(ctx); err != nil {
		return wf.summary(), err
	}
	if r.UserID != uuid.Nil && wf.inState(domain.EventDeploying, domain.EventReady, domain.EventRunning) &&
		!slices.ContainsFunc(wf.s.Members, func(m domain.EventMember) bool { return m.UserID == r.UserID }) {
		return wf.summary(), invalidf("user %s does not take part in the event", r.UserID)
	}
	return wf.summary(), nil
}

// removeParticipant resolves the members again and tears down only the
// VMs of those who left.
func (wf *eventLifecycle) removeParticipant(ctx workflow.Context, r ParticipantChange) (EventSummary, error) {
	ctx = wf.handlerContext(ctx)
	if err := wf.awaitLoaded(ctx, func() error { return wf.validateParticipantChange(r) }); err != nil {
		return wf.summary(), err
	}
	if err := wf.resyncMembers(ctx); err != nil {
		return wf.summary(), err
	}
	if r.UserID != uuid.Nil && wf.inState(domain.EventDeploying, domain.EventReady, domain.EventRunning) &&
		slices.ContainsFunc(wf.s.Members, func(m domain.EventMember) bool {
			return m.UserID == r.UserID && m.Role == domain.EventRoleParticipant
		}) {
		return wf.summary(), conflictf("user %s still takes part in the event through a group", r.UserID)
	}
	return wf.summary(), nil
}

// resyncMembers applies the members as they are now, once the deployment
// has resolved its own (an Update arriving while it does waits for it).
func (wf *eventLifecycle) resyncMembers(ctx workflow.Context) error {
	if wf.inState(domain.EventPlanned) {
		return nil
	}
	if err := workflow.Await(ctx, func() bool { return wf.s.Machines != nil || !wf.provisioning() }); err != nil {
		return err
	}
	if !wf.provisioning() {
		return conflictf("event is %s: its participants can no longer change", wf.s.Phase)
	}
	var members []domain.EventMember
	if err := bookkeep(ctx, &members, eventActs.ResolveEventMembers, wf.in.EventID); err != nil {
		return err
	}
	wf.applyMembers(ctx, members)
	return nil
}

func (wf *eventLifecycle) validateRetryFailed() error {
	if !wf.inState(domain.EventDeploying, domain.EventReady, domain.EventRunning, domain.EventDeployFailed) {
		return conflictf("event is %s: failed items are retried only while it is deployed", wf.s.Phase)
	}
	if !slices.ContainsFunc(wf.s.Items, retryable) && !slices.ContainsFunc(wf.s.Items, retryableConnections) {
		return conflictf("event has no failed items to retry")
	}
	return nil
}

func retryable(it EventItemStatus) bool {
	return it.State == domain.ItemFailed && !it.Dropped && !it.busy
}

// retryFailed queues a new clone for every failed item, and only those,
// and makes the connections that failed of ready ones again; a
// deploy_failed event is deploying again.
func (wf *eventLifecycle) retryFailed(ctx workflow.Context) (EventSummary, error) {
	ctx = wf.handlerContext(ctx)
	if err := wf.awaitLoaded(ctx, wf.validateRetryFailed); err != nil {
		return wf.summary(), err
	}
	if wf.inState(domain.EventDeployFailed) {
		if wf.s.Machines == nil {
			return wf.summary(), conflictf("event's environment could not be read; nothing to retry")
		}
		if err := wf.setPhase(ctx, domain.EventDeploying); err != nil {
			return wf.summary(), err
		}
	}
	for i, it := range wf.s.Items {
		switch {
		case retryable(it):
			wf.enqueue(jobClone, i)
		case retryableConnections(it):
			wf.connectItem(ctx, i)
		}
	}
	wf.changes++
	return wf.summary(), nil
}
