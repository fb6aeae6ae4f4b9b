package workflows

import (
	"context"
	"errors"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/temporalx"
)

// Client-side helpers: what the API and tests start workflows with.

// CloneVMWorkflowID is the workflow ID of a VM's clone: vm/<vm-id>/clone.
func CloneVMWorkflowID(vmID uuid.UUID) string { return "vm/" + vmID.String() + "/clone" }

// VMActionWorkflowID is the workflow ID of a VM's power or reset operation:
// vm/<vm-id>/op. One ID per VM, so a second operation while one runs
// conflicts.
func VMActionWorkflowID(vmID uuid.UUID) string { return "vm/" + vmID.String() + "/op" }

// DeleteVMWorkflowID is the workflow ID of a VM's deletion: vm/<vm-id>/delete.
func DeleteVMWorkflowID(vmID uuid.UUID) string { return "vm/" + vmID.String() + "/delete" }

// StartOptions are the options to start a workflow of type t with ID id:
// t's queue, and an error (not the running run) when a workflow with the
// ID already runs (see RunningWorkflow).
func (t Type) StartOptions(id string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                                       id,
		TaskQueue:                                t.Queue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}
}

// VMStartOptions are the options the API starts a VM workflow of type t
// with: StartOptions and the LabforgeVmId search attribute, so the API
// can answer 409 naming a running one.
func VMStartOptions(t Type, workflowID string, vmID uuid.UUID) client.StartWorkflowOptions {
	o := t.StartOptions(workflowID)
	o.TypedSearchAttributes = temporal.NewSearchAttributes(temporalx.KeyVMID.ValueSet(vmID.String()))
	return o
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

// RequestSiteGatewayApply asks the site's gateway workflow for an apply of
// its newest snapshot: it signals the running workflow, or starts one
// (SiteGatewayWorkflowID, on SiteGatewayType's queue, with the LabforgeSite
// search attribute set to the site's name) that applies at once.
// Requests during an apply are coalesced into one more apply. It returns
// the run that will serve the request.
func RequestSiteGatewayApply(ctx context.Context, c client.Client, siteID uuid.UUID, siteName, reason string) (client.WorkflowRun, error) {
	return RequestSiteGatewayApplyFor(ctx, c, SiteGatewayInput{SiteID: siteID, SiteName: siteName}, reason)
}

// RequestSiteGatewayApplyFor is RequestSiteGatewayApply with a whole input:
// in.OperationID, if set, is the operation record the run keeps current
// from this request on, whether it starts or is already running.
func RequestSiteGatewayApplyFor(ctx context.Context, c client.Client, in SiteGatewayInput, reason string) (client.WorkflowRun, error) {
	return SignalSiteGatewayApply(ctx, c, in, SiteGatewayApplyRequest{Reason: reason, OperationID: in.OperationID})
}

// SignalSiteGatewayApply sends req to the site's gateway workflow with
// Signal-With-Start, as RequestSiteGatewayApplyFor does; req.ReplyTo, if
// set, is the workflow the gateway workflow signals (SiteGatewayAppliedSignal)
// once an apply that includes the request is recorded.
func SignalSiteGatewayApply(ctx context.Context, c client.Client, in SiteGatewayInput, req SiteGatewayApplyRequest) (client.WorkflowRun, error) {
	o := client.StartWorkflowOptions{ID: SiteGatewayWorkflowID(in.SiteID), TaskQueue: SiteGatewayType.Queue,
		TypedSearchAttributes: temporal.NewSearchAttributes(temporalx.KeySite.ValueSet(in.SiteName))}
	return c.SignalWithStartWorkflow(ctx, o.ID, SiteGatewayApplySignal, req, o, SiteGatewayType.Name, in)
}
