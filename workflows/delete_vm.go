package workflows

import (
	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// DeleteVMInput asks for a VM's guest to be destroyed.
type DeleteVMInput struct {
	OperationID uuid.UUID `json:"operation_id"`
	VM          uuid.UUID `json:"vm"`
}

// DeleteVM marks the VM deleting, stops and destroys its guest (purge,
// unreferenced disks too) and waits for Proxmox to confirm, then releases
// the VMID and marks the VM deleted. The record stays, state deleted, for
// history.
func DeleteVM(ctx workflow.Context, in DeleteVMInput) error {
	wf := &deleteVM{in: in, progress: progress{operationID: in.OperationID}}
	var err error
	if ctx, wf.op, err = wf.beginVMWorkflow(ctx); err != nil {
		return err
	}
	err = wf.run(ctx)
	if err != nil && IsAborted(err) {
		_ = wf.report(ctx, domain.OpAborted, "aborted", failureMessage(err), nil)
	}
	return err
}

type deleteVM struct {
	in DeleteVMInput
	progress
	op *operator
}

func (wf *deleteVM) run(ctx workflow.Context) error {
	var t activities.VMTarget
	err := wf.op.step(ctx, "load", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, &t, bookkeeping.LoadVM, wf.in.VM)
	})
	if err != nil {
		return err
	}
	if err := upsertVMAttrs(ctx, wf.in.VM, t); err != nil {
		return err
	}
	err = wf.op.step(ctx, "mark deleting", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, nil, bookkeeping.RecordVM, activities.VMUpdate{VM: wf.in.VM, State: domain.GuestDeleting})
	})
	if err != nil {
		return err
	}
	if t.Placed {
		err = wf.op.step(ctx, "delete guest", stepOpts{}, func(ctx workflow.Context) error {
			return exec(ctx, cloneSpec, nil, pve.DeleteGuest, t.Guest)
		})
		if err != nil {
			return err
		}
		err = wf.op.step(ctx, "release VMID", stepOpts{}, func(ctx workflow.Context) error {
			return bookkeep(ctx, nil, bookkeeping.ReleaseGuestVMID, t.Guest)
		})
		if err != nil {
			return err
		}
	}
	err = wf.op.step(ctx, "mark deleted", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, nil, bookkeeping.RecordVM,
			activities.VMUpdate{VM: wf.in.VM, State: domain.GuestDeleted, Power: domain.PowerStopped})
	})
	if err != nil {
		return err
	}
	return wf.report(ctx, domain.OpCompleted, "done", "", nil)
}
