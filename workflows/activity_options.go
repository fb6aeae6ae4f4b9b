package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// activitySpec is how a workflow runs one kind of activity. The task
// queue is never set here: it is the queue of the activity's table
// (activities.QueueOf). A step's retries and a heartbeat timeout come
// from the worker's Tuning.
type activitySpec struct {
	startToClose    time.Duration
	scheduleToClose time.Duration
	// heartbeats marks an activity that heartbeats while it works; the
	// Tuning's HeartbeatTimeout says how soon a dead worker's attempt
	// moves on.
	heartbeats bool
	// fixedHeartbeat is the heartbeat timeout of an activity outside the
	// Tuning (the periodic cycles).
	fixedHeartbeat time.Duration
	// retry is the policy of a wait bounded by time (a clone slot, the
	// guest agent) or of a periodic cycle. Nil makes the activity a step:
	// the Tuning's interval and attempts, then the operator decides.
	retry *temporal.RetryPolicy
}

// Activity specs of the workflows.
var (
	// bookkeepingSpec: PostgreSQL bookkeeping (see bookkeep).
	bookkeepingSpec = activitySpec{startToClose: 30 * time.Second}
	// progressSpec: the operation record; cheap, retried until PostgreSQL answers.
	progressSpec = activitySpec{startToClose: 30 * time.Second,
		retry: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute}}
	// slotSpec: acquiring a clone slot waits up to a minute per attempt
	// (heartbeating) for a slot to be released, then retries SlotBusy with
	// the short delay the error carries, for up to six hours.
	slotSpec = activitySpec{startToClose: 2 * time.Minute, scheduleToClose: 6 * time.Hour, heartbeats: true,
		retry: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 1.5, MaximumInterval: 20 * time.Second}}
	// cloneSpec: clone and delete, long tasks polled with heartbeats
	// carrying the UPID.
	cloneSpec = activitySpec{startToClose: 2 * time.Hour, heartbeats: true}
	// cloneInSlotSpec: a clone that first waits, heartbeating, for its
	// node's clone slot; the start-to-close covers the wait behind a large
	// event's other clones.
	cloneInSlotSpec = activitySpec{startToClose: 24 * time.Hour, heartbeats: true}
	// actionSpec: power, config and snapshots.
	actionSpec = activitySpec{startToClose: 15 * time.Minute, heartbeats: true}
	// agentSpec: polling the guest agent for an address until it answers
	// (AgentNotReady is retryable), for up to 15 minutes.
	agentSpec = activitySpec{startToClose: 30 * time.Second, scheduleToClose: 15 * time.Minute,
		retry: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 1.5, MaximumInterval: 15 * time.Second}}
	// periodicSpec: one cluster's inventory sync or reconciliation. An
	// unreachable cluster is retried briefly, then reported: the next
	// cycle tries again.
	periodicSpec = activitySpec{startToClose: 5 * time.Minute, fixedHeartbeat: 2 * time.Minute,
		retry: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 3}}
	// importSpec: listing a cluster's nodes through its entry node.
	importSpec = activitySpec{startToClose: 2 * time.Minute,
		retry: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 5}}
)

// options returns the activity options of s under t.
func (s activitySpec) options(t Tuning) workflow.ActivityOptions {
	o := workflow.ActivityOptions{StartToCloseTimeout: s.startToClose, ScheduleToCloseTimeout: s.scheduleToClose,
		HeartbeatTimeout: s.fixedHeartbeat, RetryPolicy: s.retry}
	if s.heartbeats {
		o.HeartbeatTimeout = t.HeartbeatTimeout
	}
	if s.retry == nil {
		o.RetryPolicy = t.stepRetryPolicy()
	}
	return o
}

// start schedules activity with spec under the worker's Tuning, on the
// task queue whose table lists it.
func start(ctx workflow.Context, spec activitySpec, activity any, args ...any) workflow.Future {
	t, err := tuning(ctx)
	if err != nil {
		return failed(ctx, err)
	}
	opts := spec.options(t)
	if opts.TaskQueue, err = queueOf(activity); err != nil {
		return failed(ctx, err)
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), activity, args...)
}

// exec runs activity as start does and stores its result in out (nil for none).
func exec(ctx workflow.Context, spec activitySpec, out any, activity any, args ...any) error {
	return start(ctx, spec, activity, args...).Get(ctx, out)
}

// bookkeep runs one of the core queue's short PostgreSQL activities
// (placement, records, slot release) with bookkeepingSpec. In workflows
// started since changeLocalBookkeeping it runs as a local activity, inside
// the workflow task that asked for it: no task queue round trip and no
// extra workflow task, which is most of a VM workflow's tasks when
// hundreds start together.
func bookkeep(ctx workflow.Context, out any, activity any, args ...any) error {
	return runBookkeeping(ctx, bookkeepingSpec, out, activity, args...)
}

// runBookkeeping runs activity with spec: as a local activity (same
// timeout and retry policy) when ctx says so, which needs the activity in
// the table of the workflow's own queue, else on its queue.
func runBookkeeping(ctx workflow.Context, spec activitySpec, out any, activity any, args ...any) error {
	local, _ := ctx.Value(localBookkeepingKey{}).(bool)
	if !local {
		return exec(ctx, spec, out, activity, args...)
	}
	t, err := tuning(ctx)
	if err != nil {
		return err
	}
	q, err := queueOf(activity)
	if err != nil {
		return err
	}
	if own := workflow.GetInfo(ctx).TaskQueueName; q != own {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"activity %s runs on queue %s, so it cannot run as a local activity of a workflow on %s", activities.Name(activity), q, own),
			activities.ErrTypeInvalid, nil)
	}
	o := spec.options(t)
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: o.StartToCloseTimeout, RetryPolicy: o.RetryPolicy,
	})
	return workflow.ExecuteLocalActivity(lctx, activity, args...).Get(ctx, out)
}

// queueOf is activities.QueueOf for a workflow: an activity in no table is
// a non-retryable error, found by the first test that runs it.
func queueOf(activity any) (string, error) {
	q, ok := activities.QueueOf(activity)
	if !ok {
		return "", temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"activity %s is in no task queue's table (activities/queues.go)", activities.Name(activity)), activities.ErrTypeInvalid, nil)
	}
	return q, nil
}

// failed is a future that is already settled with err.
func failed(ctx workflow.Context, err error) workflow.Future {
	f, s := workflow.NewFuture(ctx)
	s.SetError(err)
	return f
}

// localBookkeepingKey marks a workflow context whose bookkeeping (and
// operation progress records) run as local activities.
type localBookkeepingKey struct{}

// withLocalBookkeeping decides, once at the start of a VM workflow, whether
// its bookkeeping runs as local activities (changeLocalBookkeeping).
func withLocalBookkeeping(ctx workflow.Context) workflow.Context {
	local := workflow.GetVersion(ctx, changeLocalBookkeeping, workflow.DefaultVersion, 1) == 1
	return workflow.WithValue(ctx, localBookkeepingKey{}, local)
}
