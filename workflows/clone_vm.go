package workflows

import (
	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/temporalx"
)

// CloneVMInput asks for a VM record (state pending) to be made real in
// Proxmox.
type CloneVMInput struct {
	OperationID uuid.UUID `json:"operation_id"`
	VM          uuid.UUID `json:"vm"`
	// Start starts the VM and waits for its guest-agent address.
	Start bool `json:"start"`
	// AbortOnFailure makes a failed step abort the clone at once (and
	// compensate) instead of waiting for an operator: for callers that
	// retry whole VMs themselves, as an event's retry-failed does.
	AbortOnFailure bool `json:"abort_on_failure,omitempty"`
}

// CloneVMResult is where the VM landed.
type CloneVMResult struct {
	Node  string            `json:"node"`
	VMID  int               `json:"vmid"`
	Power domain.PowerState `json:"power"`
	IPv4  string            `json:"ipv4,omitempty"`
}

// CloneVM reserves a VMID and a node, clones the template under a clone
// slot, configures the guest (name, cores, memory, tags, description),
// takes the labforge-baseline snapshot, starts it if asked, waits for its
// address and records the VM ready. A failed step waits for the operator
// (or, with AbortOnFailure, aborts at once); abort (or cancellation)
// deletes the half-made guest, then releases the VMID and marks the VM
// failed.
func CloneVM(ctx workflow.Context, in CloneVMInput) (CloneVMResult, error) {
	wf := &cloneVM{in: in, progress: progress{operationID: in.OperationID}}
	var err error
	if ctx, wf.op, err = wf.beginVMWorkflow(ctx); err != nil {
		return CloneVMResult{}, err
	}
	wf.op.abortOnFailure = in.AbortOnFailure
	res, err := wf.run(ctx)
	if err != nil && (IsAborted(err) || ctx.Err() != nil) {
		return res, wf.compensate(ctx, err)
	}
	return res, err
}

type cloneVM struct {
	in CloneVMInput
	progress
	op     *operator
	plan   activities.ClonePlan
	placed bool
}

func (wf *cloneVM) run(ctx workflow.Context) (CloneVMResult, error) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, temporalx.KeyVMID.ValueSet(wf.in.VM.String())); err != nil {
		return CloneVMResult{}, err
	}
	err := wf.op.step(ctx, "reserve VMID and place", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, &wf.plan, bookkeeping.ReserveAndPlace, wf.in.VM)
	})
	if err != nil {
		return CloneVMResult{}, err
	}
	wf.placed = true
	attrs := []temporal.SearchAttributeUpdate{temporalx.KeyNode.ValueSet(wf.plan.Guest.Node)}
	if !ownerIsRequester(ctx) {
		attrs = append(attrs, temporalx.KeyOwner.ValueSet(wf.plan.Owner.String()))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, attrs...); err != nil {
		return CloneVMResult{}, err
	}
	res, err := provision(ctx, wf.op, &wf.plan, wf.in.Start, false)
	if err != nil {
		return res, err
	}
	err = wf.op.step(ctx, "record", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, nil, bookkeeping.RecordVM,
			activities.VMUpdate{VM: wf.in.VM, State: domain.GuestReady, Power: res.Power, IPv4: res.IPv4})
	})
	if err != nil {
		return res, err
	}
	return res, wf.report(ctx, domain.OpCompleted, "done", "", domain.JSONObject(res))
}

// provision makes the planned guest: clone under a clone slot (deleting the
// old guest first when replace is set, as reset-to-template does when the
// baseline snapshot is gone), configure, baseline snapshot, and, if start,
// start and wait for the guest agent's address. A VMID a guest outside
// Labforge turns out to hold is marked taken and the VM placed anew
// (plan changes), at most maxTakenVMIDs times.
func provision(ctx workflow.Context, op *operator, plan *activities.ClonePlan, start, replace bool) (CloneVMResult, error) {
	res := CloneVMResult{Node: plan.Guest.Node, VMID: plan.Guest.VMID, Power: domain.PowerStopped}
	if replace {
		err := op.step(ctx, "delete the old guest", stepOpts{}, func(ctx workflow.Context) error {
			return exec(ctx, cloneSpec, nil, pve.DeleteGuest, plan.Guest)
		})
		if err != nil {
			return res, err
		}
	}
	// The slot is held for the clone only and given back before any wait
	// for the operator, so a stuck clone never blocks the node's others.
	err := op.step(ctx, "clone", stepOpts{}, func(ctx workflow.Context) error {
		err := cloneInSlot(ctx, *plan)
		for taken := 0; err != nil && !replace && taken < maxTakenVMIDs && vmidTakenElsewhere(ctx, err); taken++ {
			if err := replaceTakenVMID(ctx, plan); err != nil {
				return err
			}
			err = cloneInSlot(ctx, *plan)
		}
		return err
	})
	if err != nil {
		return res, err
	}
	g := plan.Guest
	res.Node, res.VMID = g.Node, g.VMID
	err = op.step(ctx, "configure", stepOpts{}, func(ctx workflow.Context) error {
		return exec(ctx, actionSpec, nil, pve.ConfigureGuest,
			activities.GuestConfig{Guest: g, Cores: plan.Cores, MemoryMB: plan.MemoryMB})
	})
	if err != nil {
		return res, err
	}
	err = op.step(ctx, "baseline snapshot", stepOpts{skippable: true}, func(ctx workflow.Context) error {
		return exec(ctx, actionSpec, nil, pve.EnsureBaseline, g)
	})
	if err != nil || !start {
		return res, err
	}
	err = op.step(ctx, "start", stepOpts{skippable: true}, func(ctx workflow.Context) error {
		return exec(ctx, actionSpec, &res.Power, pve.PowerGuest, activities.PowerRequest{Guest: g, Action: activities.PowerStart})
	})
	if err != nil || res.Power != domain.PowerRunning {
		return res, err
	}
	err = op.step(ctx, "wait for guest agent IP", stepOpts{skippable: true}, func(ctx workflow.Context) error {
		return exec(ctx, agentSpec, &res.IPv4, pve.GuestIPv4, g)
	})
	return res, err
}

// maxTakenVMIDs bounds how many VMIDs held by guests outside Labforge one
// clone steps over before it waits for the operator.
const maxTakenVMIDs = 3

// cloneInSlot clones the plan under a clone slot and gives the slot back.
func cloneInSlot(ctx workflow.Context, plan activities.ClonePlan) error {
	var cloneErr error
	if workflow.GetVersion(ctx, changeCloneWaitsForSlot, workflow.DefaultVersion, 1) == 1 {
		cloneErr = exec(ctx, cloneInSlotSpec, nil, pve.CloneGuestInSlot, plan)
	} else {
		if err := exec(ctx, slotSpec, nil, bookkeeping.AcquireCloneSlot, plan); err != nil {
			return err
		}
		cloneErr = exec(ctx, cloneSpec, nil, pve.CloneGuest, plan)
	}
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	if err := bookkeep(dctx, nil, bookkeeping.ReleaseCloneSlot); err != nil && cloneErr == nil {
		// The lease runs out on its own; the clone itself succeeded.
		workflow.GetLogger(ctx).Warn("releasing the clone slot failed", "error", err)
	}
	return cloneErr
}

// vmidTakenElsewhere reports whether a clone failed because a guest
// outside Labforge holds its VMID (Proxmox's "already exists", found
// before the clone or by the clone task on another node), for workflows
// since changeTakenVMIDReplaced.
func vmidTakenElsewhere(ctx workflow.Context, err error) bool {
	return activities.HasErrorType(err, string(proxmox.AlreadyExists)) &&
		workflow.GetVersion(ctx, changeTakenVMIDReplaced, workflow.DefaultVersion, 1) == 1
}

// replaceTakenVMID marks the plan's VMID taken (never handed out again)
// and places the VM anew, with another VMID.
func replaceTakenVMID(ctx workflow.Context, plan *activities.ClonePlan) error {
	workflow.GetLogger(ctx).Warn("a guest outside Labforge holds the reserved VMID; placing the VM anew",
		"vmid", plan.Guest.VMID, "node", plan.Guest.Node)
	if err := bookkeep(ctx, nil, bookkeeping.MarkVMIDTaken, plan.Guest); err != nil {
		return err
	}
	return bookkeep(ctx, plan, bookkeeping.ReserveAndPlace, plan.Guest.VM)
}

// compensate undoes a clone that will not finish: it deletes whatever guest
// the clone made (only after Proxmox confirmed that, the VMID is
// released), marks the VM failed and reports the operation aborted. It
// runs on a disconnected context so that cancellation does not stop it.
func (wf *cloneVM) compensate(ctx workflow.Context, cause error) error {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	log := workflow.GetLogger(ctx)
	if !wf.placed && workflow.GetVersion(ctx, changeCompensateUnseenPlacement, workflow.DefaultVersion, 1) == 1 {
		// Cancelled while placing: the placement may have been stored
		// without the workflow seeing its result.
		var t activities.VMTarget
		if err := bookkeep(ctx, &t, bookkeeping.LoadVM, wf.in.VM); err != nil {
			log.Error("compensation: reading the VM's placement failed; its VMID may stay reserved", "error", err)
		} else if t.Placed {
			wf.plan.Guest, wf.placed = t.Guest, true
		}
	}
	if wf.placed {
		g := wf.plan.Guest
		if err := exec(ctx, cloneSpec, nil, pve.DeleteGuest, g); err != nil {
			log.Error("compensation: deleting the half-made guest failed; the VMID stays reserved", "error", err)
			_ = wf.report(ctx, domain.OpFailed, "compensate", "deleting the half-made guest failed: "+failureMessage(err), nil)
			return err
		}
		if err := bookkeep(ctx, nil, bookkeeping.ReleaseGuestVMID, g); err != nil {
			log.Error("compensation: releasing the VMID failed", "error", err)
		}
	}
	if err := bookkeep(ctx, nil, bookkeeping.RecordVM, activities.VMUpdate{VM: wf.in.VM, State: domain.GuestFailed}); err != nil {
		log.Error("compensation: marking the VM failed did not work", "error", err)
	}
	return wf.reportCompensated(ctx, cause)
}
