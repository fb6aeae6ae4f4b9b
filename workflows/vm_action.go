package workflows

import (
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// VMActionKind is an operation VMAction performs.
type VMActionKind string

// VM actions: the power actions, and reset-to-template, which rolls the VM
// back to its labforge-baseline snapshot (keeping its power state), or
// re-clones it from its template when the snapshot is gone.
const (
	ActionStart    VMActionKind = "start"
	ActionStop     VMActionKind = "stop"
	ActionShutdown VMActionKind = "shutdown"
	ActionReboot   VMActionKind = "reboot"
	ActionReset    VMActionKind = "reset-to-template"
)

// VMActionInput asks for one operation on a VM.
type VMActionInput struct {
	OperationID uuid.UUID    `json:"operation_id"`
	VM          uuid.UUID    `json:"vm"`
	Action      VMActionKind `json:"action"`
}

// VMActionResult is the VM's power state afterwards.
type VMActionResult struct {
	Power domain.PowerState `json:"power"`
}

// VMAction runs a power action or reset-to-template on a VM and records
// its power state. Its ID (VMActionWorkflowID) is one per VM, so a second
// operation while one runs is refused.
func VMAction(ctx workflow.Context, in VMActionInput) (VMActionResult, error) {
	wf := &vmAction{in: in, progress: progress{operationID: in.OperationID}}
	var err error
	if ctx, wf.op, err = wf.beginVMWorkflow(ctx); err != nil {
		return VMActionResult{}, err
	}
	res, err := wf.run(ctx)
	if err != nil && IsAborted(err) {
		_ = wf.report(ctx, domain.OpAborted, "aborted", failureMessage(err), nil)
	}
	return res, err
}

type vmAction struct {
	in VMActionInput
	progress
	op *operator
}

func (wf *vmAction) run(ctx workflow.Context) (VMActionResult, error) {
	var t activities.VMTarget
	err := wf.op.step(ctx, "load", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, &t, bookkeeping.LoadVM, wf.in.VM)
	})
	if err != nil {
		return VMActionResult{}, err
	}
	if err := upsertVMAttrs(ctx, wf.in.VM, t); err != nil {
		return VMActionResult{}, err
	}
	if !t.Placed {
		msg := fmt.Sprintf("VM %s has no guest in Proxmox (state %s)", wf.in.VM, t.State)
		_ = wf.report(ctx, domain.OpFailed, "load", msg, nil)
		return VMActionResult{}, temporal.NewNonRetryableApplicationError(msg, activities.ErrTypeNotProvisioned, nil)
	}
	var res VMActionResult
	switch wf.in.Action {
	case ActionStart, ActionStop, ActionShutdown, ActionReboot:
		err = wf.op.step(ctx, string(wf.in.Action), stepOpts{}, func(ctx workflow.Context) error {
			return exec(ctx, actionSpec, &res.Power, pve.PowerGuest,
				activities.PowerRequest{Guest: t.Guest, Action: activities.PowerAction(wf.in.Action)})
		})
	case ActionReset:
		return wf.reset(ctx, t)
	default:
		msg := fmt.Sprintf("unknown VM action %q", wf.in.Action)
		_ = wf.report(ctx, domain.OpFailed, "validate", msg, nil)
		return VMActionResult{}, temporal.NewNonRetryableApplicationError(msg, activities.ErrTypeInvalid, nil)
	}
	if err != nil {
		return res, err
	}
	if res.Power != "" {
		err = wf.op.step(ctx, "record", stepOpts{}, func(ctx workflow.Context) error {
			return bookkeep(ctx, nil, bookkeeping.RecordVM, activities.VMUpdate{VM: wf.in.VM, Power: res.Power})
		})
		if err != nil {
			return res, err
		}
	}
	return res, wf.report(ctx, domain.OpCompleted, "done", "", domain.JSONObject(res))
}

// reset rolls the VM back to its baseline snapshot, keeping its power
// state. A VM without the snapshot is re-cloned from its template at the
// same VMID and node instead: old guest deleted, fresh clone configured,
// new baseline taken.
func (wf *vmAction) reset(ctx workflow.Context, t activities.VMTarget) (VMActionResult, error) {
	running := t.Power == domain.PowerRunning
	res := VMActionResult{Power: t.Power}
	reclone := false
	err := wf.op.step(ctx, "roll back to baseline", stepOpts{}, func(ctx workflow.Context) error {
		err := exec(ctx, actionSpec, nil, pve.RollbackBaseline, activities.RollbackRequest{Guest: t.Guest, Start: running})
		if activities.HasErrorType(err, activities.ErrTypeSnapshotMissing) {
			reclone = true
			return nil
		}
		return err
	})
	if err != nil {
		return res, err
	}
	update := activities.VMUpdate{VM: wf.in.VM, Power: res.Power}
	if reclone {
		var plan activities.ClonePlan
		err = wf.op.step(ctx, "re-plan the clone", stepOpts{}, func(ctx workflow.Context) error {
			return bookkeep(ctx, &plan, bookkeeping.ReserveAndPlace, wf.in.VM)
		})
		if err != nil {
			return res, err
		}
		made, err := provision(ctx, wf.op, &plan, running, true)
		if err != nil {
			return res, err
		}
		res.Power = made.Power
		update = activities.VMUpdate{VM: wf.in.VM, State: domain.GuestReady, Power: made.Power, IPv4: made.IPv4}
	}
	if update.Power != "" || update.State != "" {
		err = wf.op.step(ctx, "record", stepOpts{}, func(ctx workflow.Context) error {
			return bookkeep(ctx, nil, bookkeeping.RecordVM, update)
		})
		if err != nil {
			return res, err
		}
	}
	return res, wf.report(ctx, domain.OpCompleted, "done", "", domain.JSONObject(res))
}

// upsertVMAttrs makes the operation findable by VM and node (and, in
// workflows started before LabforgeOwner meant the requester everywhere,
// by the VM owner's id).
func upsertVMAttrs(ctx workflow.Context, vmID uuid.UUID, t activities.VMTarget) error {
	updates := []temporal.SearchAttributeUpdate{temporalx.KeyVMID.ValueSet(vmID.String())}
	if t.Owner != uuid.Nil && !ownerIsRequester(ctx) {
		updates = append(updates, temporalx.KeyOwner.ValueSet(t.Owner.String()))
	}
	if t.Guest.Node != "" {
		updates = append(updates, temporalx.KeyNode.ValueSet(t.Guest.Node))
	}
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}
