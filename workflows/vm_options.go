package workflows

import (
	"errors"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/temporalx"
)

// CloneVMWorkflowID is the workflow ID of a VM's clone: vm/<vm-id>/clone.
func CloneVMWorkflowID(vmID uuid.UUID) string { return "vm/" + vmID.String() + "/clone" }

// VMActionWorkflowID is the workflow ID of a VM's power or reset operation:
// vm/<vm-id>/op. One ID per VM, so a second operation while one runs
// conflicts.
func VMActionWorkflowID(vmID uuid.UUID) string { return "vm/" + vmID.String() + "/op" }

// DeleteVMWorkflowID is the workflow ID of a VM's deletion: vm/<vm-id>/delete.
func DeleteVMWorkflowID(vmID uuid.UUID) string { return "vm/" + vmID.String() + "/delete" }

// VMStartOptions are the options the API starts a VM workflow with: its ID,
// the core queue, the LabforgeVmId search attribute, and an error (not the
// running run) when a workflow with the ID already runs, so the API can
// answer 409 naming it (see RunningWorkflow).
func VMStartOptions(workflowID string, vmID uuid.UUID) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                                       workflowID,
		TaskQueue:                                config.QueueCore,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    temporal.NewSearchAttributes(temporalx.KeyVMID.ValueSet(vmID.String())),
	}
}

// RunningWorkflow reports whether err, from starting a workflow, says a
// workflow with that ID is already running, and returns the running run's
// id. The API maps it to 409 "operation in progress".
func RunningWorkflow(err error) (runID string, ok bool) {
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return started.RunId, true
	}
	return "", false
}

// Activity options of the VM lifecycle workflows. When an activity's
// retries are exhausted, its step waits for the operator. The retry
// intervals, attempts and heartbeat timeouts shown are placeholders that
// exec replaces with the worker's Tuning (see Tuning.apply).
var (
	// coreOptions: PostgreSQL bookkeeping (see bookkeep).
	coreOptions = workflow.ActivityOptions{
		TaskQueue:           config.QueueCore,
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 10,
		},
	}
	// slotOptions: acquiring a clone slot waits up to a minute per attempt
	// (heartbeating) for a slot to be released, then retries SlotBusy with
	// the short delay the error carries, for as long as the
	// schedule-to-close allows.
	slotOptions = workflow.ActivityOptions{
		TaskQueue:              config.QueueCore,
		StartToCloseTimeout:    2 * time.Minute,
		HeartbeatTimeout:       time.Minute,
		ScheduleToCloseTimeout: 6 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 2 * time.Second, BackoffCoefficient: 1.5, MaximumInterval: 20 * time.Second,
		},
	}
	// cloneOptions: clone and delete on pve-clone; long tasks polled with
	// heartbeats carrying the UPID.
	cloneOptions = workflow.ActivityOptions{
		TaskQueue:           config.QueuePVEClone,
		StartToCloseTimeout: 2 * time.Hour,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 5 * time.Second, BackoffCoefficient: 2, MaximumInterval: 2 * time.Minute, MaximumAttempts: 8,
		},
	}
	// cloneInSlotOptions: a clone that first waits, heartbeating, for its
	// node's clone slot; the start-to-close covers the wait behind a
	// large event's other clones.
	cloneInSlotOptions = func() workflow.ActivityOptions {
		o := cloneOptions
		o.StartToCloseTimeout = 24 * time.Hour
		return o
	}()
	// actionOptions: power, config and snapshots on pve-actions.
	actionOptions = workflow.ActivityOptions{
		TaskQueue:           config.QueuePVEActions,
		StartToCloseTimeout: 15 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 2 * time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 8,
		},
	}
	// agentOptions: polling the guest agent for an address until it
	// answers (AgentNotReady is retryable), for up to 15 minutes.
	agentOptions = workflow.ActivityOptions{
		TaskQueue:              config.QueuePVEActions,
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 15 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 2 * time.Second, BackoffCoefficient: 1.5, MaximumInterval: 15 * time.Second,
		},
	}
)

// exec runs one activity with opts, under the worker's Tuning, and stores
// its result in out (nil for none).
func exec(ctx workflow.Context, opts workflow.ActivityOptions, out any, activity any, args ...any) error {
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, tuned(ctx, opts)), activity, args...).Get(ctx, out)
}

// bookkeep runs one of the core queue's short PostgreSQL activities
// (placement, records, slot release) with coreOptions under the worker's
// Tuning. In workflows started since changeLocalBookkeeping it runs as a
// local activity, inside the workflow task that asked for it: no task
// queue round trip and no extra workflow task, which is most of a VM
// workflow's tasks when hundreds start together.
func bookkeep(ctx workflow.Context, out any, activity any, args ...any) error {
	return runBookkeeping(ctx, tuned(ctx, coreOptions), out, activity, args...)
}

// runBookkeeping runs activity with opts: as a local activity (same
// timeout and retry policy) when ctx says so, else on opts' task queue.
func runBookkeeping(ctx workflow.Context, opts workflow.ActivityOptions, out any, activity any, args ...any) error {
	if local, _ := ctx.Value(localBookkeepingKey{}).(bool); local {
		lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout: opts.StartToCloseTimeout, RetryPolicy: opts.RetryPolicy,
		})
		return workflow.ExecuteLocalActivity(lctx, activity, args...).Get(ctx, out)
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), activity, args...).Get(ctx, out)
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
