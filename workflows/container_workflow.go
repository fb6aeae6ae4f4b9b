package workflows

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// Activity specs of the container workflows.
var (
	// ociPullSpec: pulling an OCI image into a node's template storage, a
	// long task polled with heartbeats carrying the UPID.
	ociPullSpec = activitySpec{startToClose: time.Hour, heartbeats: true}
	// ctAddressSpec: waiting, heartbeating, for a started container's
	// DHCP lease; one wait and one more try, then the operator decides.
	ctAddressSpec = activitySpec{startToClose: 5 * time.Minute, heartbeats: true,
		retry: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, MaximumAttempts: 2}}
)

// containerWorkflow is what every container workflow has: its operation's
// progress, the operator, the gateway waiter and the container's plan.
type containerWorkflow struct {
	progress
	op   *operator
	gw   *gatewayWaiter
	plan activities.ContainerPlan
}

// begin starts a container workflow on container id: its bookkeeping runs
// as local activities (its PostgreSQL steps are short and on its own
// queue), the progress query, operator and gateway-reply signals are set
// up, and the operation is findable by LabforgeContainerId.
func (wf *containerWorkflow) begin(ctx workflow.Context, operationID, id uuid.UUID) (workflow.Context, error) {
	ctx = workflow.WithValue(ctx, localBookkeepingKey{}, true)
	wf.operationID = operationID
	if err := wf.setup(ctx); err != nil {
		return ctx, err
	}
	wf.op, wf.gw = newOperator(ctx, &wf.progress), newGatewayWaiter(ctx)
	return ctx, workflow.UpsertTypedSearchAttributes(ctx, temporalx.KeyContainerID.ValueSet(id.String()))
}

// load reads the container's plan and makes the operation findable by
// its site and node.
func (wf *containerWorkflow) load(ctx workflow.Context, id uuid.UUID) error {
	err := wf.op.step(ctx, "load", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, &wf.plan, bookkeeping.LoadContainer, id)
	})
	if err != nil {
		return err
	}
	return wf.upsertPlacement(ctx)
}

// upsertPlacement sets LabforgeSite and, once placed, LabforgeNode.
func (wf *containerWorkflow) upsertPlacement(ctx workflow.Context) error {
	attrs := []temporal.SearchAttributeUpdate{temporalx.KeySite.ValueSet(wf.plan.SiteName)}
	if wf.plan.Placed {
		attrs = append(attrs, temporalx.KeyNode.ValueSet(wf.plan.Guest.Node))
	}
	return workflow.UpsertTypedSearchAttributes(ctx, attrs...)
}

// requireReady fails the operation unless the container has a guest in
// Proxmox that no other workflow is making or removing: it is ready (or
// recorded missing, which an action confirms or refutes).
func (wf *containerWorkflow) requireReady(ctx workflow.Context) error {
	st := wf.plan.State
	if wf.plan.Placed && (st == domain.GuestReady || st == domain.GuestMissing) {
		return nil
	}
	msg := fmt.Sprintf("container %s is %s, without a ready guest in Proxmox; try again once it is ready", wf.plan.Guest.Hostname, st)
	_ = wf.report(ctx, domain.OpFailed, "load", msg, nil)
	return temporal.NewNonRetryableApplicationError(msg, activities.ErrTypeNotProvisioned, nil)
}

// applyGateway is the step that has the site's gateway apply the newest
// snapshot and waits until it has; a failed apply goes to the operator.
func (wf *containerWorkflow) applyGateway(ctx workflow.Context, step string) error {
	return wf.op.step(ctx, step, stepOpts{}, func(ctx workflow.Context) error {
		return wf.gw.apply(ctx, wf.plan, step+" of container "+wf.plan.Guest.Hostname)
	})
}

// record is the step that stores u on the container record.
func (wf *containerWorkflow) record(ctx workflow.Context, step string, u activities.ContainerUpdate) error {
	return wf.op.step(ctx, step, stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, nil, bookkeeping.RecordContainer, u)
	})
}

// finish reports the operation's end: completed with result, or, for an
// operation the operator aborted, aborted.
func (wf *containerWorkflow) finish(ctx workflow.Context, err error, result map[string]any) error {
	if err == nil {
		return wf.report(ctx, domain.OpCompleted, "done", "", result)
	}
	if IsAborted(err) {
		_ = wf.report(ctx, domain.OpAborted, "aborted", failureMessage(err), nil)
	}
	return err
}
