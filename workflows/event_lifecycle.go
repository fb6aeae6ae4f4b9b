package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// EventLifecycle holds an event's schedule: planned → (start − lead time)
// → deploying → ready → (start) → running → (end) → ended → (transition
// period) → decommissioning → decommissioned; cancelled before deploy;
// deploy_failed when nothing could be deployed. Durable timers wake it;
// instructors change it through Updates (see event_updates.go), which
// re-arm the timers. It continues as new when its history grows, carrying
// its state, whenever no VM workflow of it is in flight.
func EventLifecycle(ctx workflow.Context, in EventLifecycleInput) error {
	wf := &eventLifecycle{in: in}
	ctx = workflow.WithValue(ctx, localBookkeepingKey{}, true)
	err := wf.setup(ctx)
	if err == nil {
		err = wf.run(ctx)
	}
	if wf.deleted(err) {
		workflow.GetLogger(ctx).Info("the planned event was deleted; its lifecycle ends", "event", in.EventID)
		return nil
	}
	return err
}

// deleted reports whether err says the event no longer exists while it is
// planned: a planned event may be deleted, and its lifecycle then ends
// quietly when it next touches it.
func (wf *eventLifecycle) deleted(err error) bool {
	return err != nil && wf.s.Phase == domain.EventPlanned && activities.HasErrorType(err, activities.ErrTypeNotFound)
}

// eventLifecycle is one run of EventLifecycle: the carried state, the job
// queue of VM workflows and the change counter Updates bump to re-arm
// timers.
type eventLifecycle struct {
	in     EventLifecycleInput
	s      EventLifecycleState
	tuning Tuning
	jobs
	// changes counts accepted Updates; a wait ends when it moves, so the
	// phase is re-evaluated with the new schedule or request.
	changes int
	// loaded is set once the event's schedule is known.
	loaded bool
	// courseBusy is set while a MoodleEnrolment phase runs.
	courseBusy bool
}

// setup takes the carried state, or starts planned, then publishes the
// search attributes and registers the query, the Updates and the job
// runner before anything blocks, so that an Update arriving with the
// first workflow task finds its handler; then a first run loads the
// event. Handlers wait for the load (awaitLoaded).
func (wf *eventLifecycle) setup(ctx workflow.Context) error {
	var err error
	if wf.tuning, err = tuning(ctx); err != nil {
		return err
	}
	if wf.in.Carried != nil {
		wf.s, wf.loaded = *wf.in.Carried, true
	} else {
		wf.s = EventLifecycleState{Phase: domain.EventPlanned}
	}
	limit := wf.in.DeployConcurrency
	if limit <= 0 {
		limit = DefaultEventDeployConcurrency
	}
	wf.jobs.init(limit)
	if err := workflow.UpsertTypedSearchAttributes(ctx, temporalx.KeyEventID.ValueSet(wf.in.EventID.String()),
		temporalx.KeyState.ValueSet(string(wf.s.Phase))); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, QueryEventSummary, func() (EventSummary, error) { return wf.summary(), nil }); err != nil {
		return err
	}
	if err := wf.registerUpdates(ctx); err != nil {
		return err
	}
	workflow.Go(ctx, func(ctx workflow.Context) { wf.runJobs(ctx, wf.runJob) })
	if wf.loaded {
		if wf.s.Integrations && wf.s.Course.Plan.Enabled {
			workflow.Go(ctx, wf.keepCourse)
		}
		return nil
	}
	var info activities.EventInfo
	if err := bookkeep(ctx, &info, eventActs.LoadEvent, wf.in.EventID); err != nil {
		return err
	}
	if info.State != domain.EventPlanned {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"event %s is %s: its lifecycle starts only for a planned event", info.ID, info.State), activities.ErrTypeConflict, nil)
	}
	wf.s.Event, wf.loaded = info, true
	return nil
}

// run moves through the phases until the event is decommissioned or
// cancelled, or continues as new.
func (wf *eventLifecycle) run(ctx workflow.Context) error {
	for {
		if wf.continueAsNewDue(ctx) {
			carried := wf.s
			in := wf.in
			in.Carried = &carried
			return workflow.NewContinueAsNewError(ctx, EventLifecycleType.Name, in)
		}
		var err error
		switch wf.s.Phase {
		case domain.EventPlanned:
			err = wf.planned(ctx)
		case domain.EventDeploying:
			err = wf.deploying(ctx)
		case domain.EventReady:
			err = wf.ready(ctx)
		case domain.EventRunning:
			err = wf.running(ctx)
		case domain.EventEnded:
			err = wf.ended(ctx)
		case domain.EventDeployFailed:
			err = wf.deployFailed(ctx)
		case domain.EventDecommissioning:
			err = wf.teardown(ctx)
		case domain.EventDecommissioned, domain.EventCancelled:
			// Answer the Updates in flight before the run closes.
			return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
		default:
			return temporal.NewNonRetryableApplicationError("unknown event state "+string(wf.s.Phase), activities.ErrTypeInvalid, nil)
		}
		if err != nil {
			return err
		}
	}
}

// continueAsNewDue reports whether the history is long enough to start
// afresh and nothing stops it: no job queued or in flight (their results
// would be lost), no Moodle course phase due or running, and no Update
// handler running.
func (wf *eventLifecycle) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	limit := wf.in.HistoryLimit
	if limit <= 0 {
		limit = defaultEventHistoryLimit
	}
	due := info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= limit
	return due && wf.idle() && !wf.courseDue() && workflow.AllHandlersFinished(ctx)
}

// setPhase stores the event's new state and publishes it.
func (wf *eventLifecycle) setPhase(ctx workflow.Context, phase domain.EventState) error {
	if err := bookkeep(ctx, nil, eventActs.SetEventState, activities.EventStateChange{Event: wf.in.EventID, State: phase}); err != nil {
		return err
	}
	wf.s.Phase = phase
	wf.changes++
	workflow.GetLogger(ctx).Info("event state", "event", wf.in.EventID, "state", phase)
	wf.note(ctx, domain.EventActivityStateChanged, nil, "the event is "+string(phase), map[string]any{"state": string(phase)})
	return workflow.UpsertTypedSearchAttributes(ctx, temporalx.KeyState.ValueSet(string(phase)))
}

// waitFor waits until cond holds (true), deadline passes (false) or the
// history asks to continue as new (false, with the phase unchanged). An
// accepted Update re-evaluates deadline, so changed dates re-arm the
// timer. A nil deadline waits without a timer.
func (wf *eventLifecycle) waitFor(ctx workflow.Context, deadline func() *time.Time, cond func() bool) (bool, error) {
	for {
		if cond() {
			return true, nil
		}
		if wf.continueAsNewDue(ctx) {
			return false, nil
		}
		seen := wf.changes
		wake := func() bool { return cond() || wf.changes != seen || wf.continueAsNewDue(ctx) }
		d := deadline()
		if d == nil {
			if err := workflow.Await(ctx, wake); err != nil {
				return false, err
			}
			continue
		}
		left := d.Sub(workflow.Now(ctx))
		if left <= 0 {
			return false, nil
		}
		if _, err := workflow.AwaitWithTimeout(ctx, left, wake); err != nil {
			return false, err
		}
	}
}

// deployAt is when provisioning starts: the start less the lead time.
func (wf *eventLifecycle) deployAt() *time.Time {
	t := wf.s.Event.Schedule.StartsAt.Add(-wf.s.Event.Schedule.LeadTime)
	return &t
}

func (wf *eventLifecycle) startsAt() *time.Time {
	t := wf.s.Event.Schedule.StartsAt
	return &t
}

func (wf *eventLifecycle) endsAt() *time.Time { return wf.s.Event.Schedule.EndsAt }

// decommissionAt is the end of the transition period.
func (wf *eventLifecycle) decommissionAt() *time.Time {
	if wf.s.EndedAt == nil {
		return nil
	}
	t := wf.s.EndedAt.Add(wf.s.Event.Schedule.TransitionPeriod)
	return &t
}

// planned waits for the deploy time, deploy-now or cancel.
func (wf *eventLifecycle) planned(ctx workflow.Context) error {
	requested, err := wf.waitFor(ctx, wf.deployAt, func() bool { return wf.s.DeployRequested || wf.s.CancelRequested })
	if err != nil || (!requested && wf.deployAt().After(workflow.Now(ctx))) {
		return err
	}
	if wf.s.CancelRequested {
		return wf.setPhase(ctx, domain.EventCancelled)
	}
	return wf.beginDeploy(ctx)
}

// ready waits for the start (or end-now).
func (wf *eventLifecycle) ready(ctx workflow.Context) error {
	ended, err := wf.waitFor(ctx, wf.startsAt, func() bool { return wf.s.EndRequested })
	if err != nil || (!ended && wf.startsAt().After(workflow.Now(ctx))) {
		return err
	}
	if ended {
		return wf.end(ctx)
	}
	return wf.setPhase(ctx, domain.EventRunning)
}

// endingSoonNotice is how long before the end the participants are told.
const endingSoonNotice = 30 * time.Minute

// endingSoonAt is when the participants are told the end is near: nil
// without an end, or once told.
func (wf *eventLifecycle) endingSoonAt() *time.Time {
	end := wf.endsAt()
	if end == nil || wf.s.EndingSoonSent {
		return nil
	}
	t := end.Add(-endingSoonNotice)
	return &t
}

// running waits for the end, if any, or end-now; on the way it tells the
// participants the end is near.
func (wf *eventLifecycle) running(ctx workflow.Context) error {
	if wf.endingSoonAt() != nil {
		ended, err := wf.waitFor(ctx, wf.endingSoonAt, func() bool { return wf.s.EndRequested })
		if err != nil {
			return err
		}
		if ended {
			return wf.end(ctx)
		}
		if at := wf.endingSoonAt(); at != nil && !at.After(workflow.Now(ctx)) {
			wf.s.EndingSoonSent = true
			wf.emailEndingSoon(ctx, wf.endsAt().Sub(workflow.Now(ctx)))
		}
		return nil
	}
	ended, err := wf.waitFor(ctx, wf.endsAt, func() bool { return wf.s.EndRequested })
	if err != nil || (!ended && !wf.pastEnd(ctx)) {
		return err
	}
	return wf.end(ctx)
}

func (wf *eventLifecycle) pastEnd(ctx workflow.Context) bool {
	e := wf.endsAt()
	return e != nil && !e.After(workflow.Now(ctx))
}

// ended waits for the transition period to pass, then tears down.
func (wf *eventLifecycle) ended(ctx workflow.Context) error {
	_, err := wf.waitFor(ctx, wf.decommissionAt, func() bool { return false })
	if err != nil || wf.decommissionAt().After(workflow.Now(ctx)) {
		return err
	}
	return wf.setPhase(ctx, domain.EventDecommissioning)
}

// deployFailed waits for retry-failed (which moves back to deploying),
// end-now or the end; nothing runs, so the event then tears down what
// records it made.
func (wf *eventLifecycle) deployFailed(ctx workflow.Context) error {
	ended, err := wf.waitFor(ctx, wf.endsAt, func() bool { return wf.s.EndRequested || wf.s.Phase != domain.EventDeployFailed })
	if err != nil || wf.s.Phase != domain.EventDeployFailed || (!ended && !wf.pastEnd(ctx)) {
		return err
	}
	return wf.setPhase(ctx, domain.EventDecommissioning)
}
