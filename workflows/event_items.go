package workflows

import (
	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// Item steps, as items record them (domain.EventItem.LastStep).
const (
	stepCreateRecord = "create VM record"
	stepClone        = "clone"
	stepReady        = "ready"
	stepStop         = "stop"
	stepDelete       = "delete"
	stepRemoved      = "removed"
)

// runJob runs one job and frees its item; an item dropped while its clone
// ran is torn down next.
func (wf *eventLifecycle) runJob(ctx workflow.Context, j job) {
	switch j.kind {
	case jobClone:
		wf.provisionItem(ctx, j.item)
	case jobStop:
		wf.stopItem(ctx, j.item)
	case jobDelete:
		wf.deleteItem(ctx, j.item)
	}
	wf.s.Items[j.item].busy = false
	it := wf.s.Items[j.item]
	switch {
	case j.kind == jobClone && it.Dropped && it.State != domain.ItemRemoved:
		wf.enqueue(jobDelete, j.item)
	case j.kind == jobDelete && !it.Dropped && it.State == domain.ItemRemoved && wf.provisioning():
		// The participant came back while their VM was being deleted.
		wf.enqueue(jobClone, j.item)
	}
	wf.changes++
}

// enqueue queues a job for item i unless one is queued or running.
func (wf *eventLifecycle) enqueue(kind jobKind, i int) {
	if wf.s.Items[i].busy {
		return
	}
	wf.s.Items[i].busy = true
	wf.push(kind, i)
}

// provisionItem gives item i a fresh VM record and clones it. A retried
// item's failed record is deleted first, so each item has at most one
// record alive (a removed item's record was deleted already). Items are
// addressed by index after every wait: Updates may append to the slice
// meanwhile.
func (wf *eventLifecycle) provisionItem(ctx workflow.Context, i int) {
	if old := wf.s.Items[i].VM; wf.s.Items[i].HasRecord && wf.s.Items[i].State == domain.ItemFailed {
		if err := wf.runVMChild(ctx, DeleteVMType, DeleteVMWorkflowID(old), old, DeleteVMInput{VM: old}, nil); err != nil {
			workflow.GetLogger(ctx).Warn("deleting a failed item's VM record failed", "vm", old, "error", err)
		}
	}
	var id uuid.UUID
	if err := workflow.SideEffect(ctx, func(workflow.Context) any { return uuid.New() }).Get(&id); err != nil {
		wf.itemFailed(ctx, i, stepCreateRecord, err)
		return
	}
	it := &wf.s.Items[i]
	it.VM, it.HasRecord, it.Error = id, false, ""
	req := activities.EventVMRequest{VM: id, Event: wf.in.EventID, ShortName: wf.s.Event.ShortName, Creator: wf.s.Event.OwnerID,
		User: it.User, Username: it.Username, Machine: wf.machine(it.Machine), Index: it.Index}
	if err := bookkeep(ctx, nil, eventActs.CreateEventVM, req); err != nil {
		wf.itemFailed(ctx, i, stepCreateRecord, err)
		return
	}
	// The item names its VM once the record exists (a foreign key).
	it = &wf.s.Items[i]
	it.HasRecord, it.State, it.Step = true, domain.ItemProvisioning, stepClone
	wf.recordItem(ctx, i)
	var res CloneVMResult
	// Since changeEventIntegrations a failed clone fails its item (the
	// instructor's retry-failed re-runs it) rather than waiting for an
	// operator, which would hold the event's end and teardown.
	in := CloneVMInput{VM: id, Start: true, AbortOnFailure: wf.s.Integrations}
	if err := wf.runVMChild(ctx, CloneVMType, CloneVMWorkflowID(id), id, in, &res); err != nil {
		wf.itemFailed(ctx, i, stepClone, err)
		return
	}
	it = &wf.s.Items[i]
	it.State, it.Error, it.Step, it.IPv4 = domain.ItemReady, "", stepReady, res.IPv4
	// Connections first: until they are made the participant is not told
	// (recordItem waits, and another item may notify meanwhile).
	wf.connectItem(ctx, i)
	wf.recordItem(ctx, i)
	if wf.s.Phase == domain.EventReady || wf.s.Phase == domain.EventRunning {
		wf.notifyReadyParticipants(ctx)
	}
}

// stopItem stops item i's VM; a failure is logged (the VM is deleted
// after the transition period anyway).
func (wf *eventLifecycle) stopItem(ctx workflow.Context, i int) {
	vm := wf.s.Items[i].VM
	err := wf.runVMChild(ctx, VMActionType, VMActionWorkflowID(vm), vm, VMActionInput{VM: vm, Action: ActionStop}, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("stopping an event VM failed", "vm", vm, "error", err)
	}
}

// deleteItem deletes item i's connections and VM record, if it has them,
// and marks the item removed.
func (wf *eventLifecycle) deleteItem(ctx workflow.Context, i int) {
	wf.deleteItemConnections(ctx, i)
	if vm := wf.s.Items[i].VM; wf.s.Items[i].HasRecord {
		wf.s.Items[i].Step = stepDelete
		if err := wf.runVMChild(ctx, DeleteVMType, DeleteVMWorkflowID(vm), vm, DeleteVMInput{VM: vm}, nil); err != nil {
			wf.itemFailed(ctx, i, stepDelete, err)
			return
		}
	}
	it := &wf.s.Items[i]
	it.State, it.Error, it.Step = domain.ItemRemoved, "", stepRemoved
	wf.recordItem(ctx, i)
}

// itemFailed records item i failed at step with err's message.
func (wf *eventLifecycle) itemFailed(ctx workflow.Context, i int, step string, err error) {
	it := &wf.s.Items[i]
	it.State, it.Error, it.Step = domain.ItemFailed, failureMessage(err), step
	workflow.GetLogger(ctx).Warn("event item failed", "user", it.Username, "machine", it.Machine, "index", it.Index,
		"step", step, "error", err)
	wf.recordItem(ctx, i)
}

// recordItem stores item i; a store that stays down after the retries is
// logged, not fatal: the workflow's own state is the truth and the next
// change records it again.
func (wf *eventLifecycle) recordItem(ctx workflow.Context, i int) {
	it := wf.s.Items[i]
	rec := domain.EventItem{EventID: wf.in.EventID, UserID: it.User, Machine: it.Machine, Index: it.Index,
		State: it.State, LastError: it.Error, LastStep: it.Step}
	if it.HasRecord {
		vm := it.VM
		rec.VMID = &vm
	}
	if err := bookkeep(ctx, nil, eventActs.RecordEventItem, rec); err != nil {
		workflow.GetLogger(ctx).Warn("recording an event item failed", "user", it.Username, "machine", it.Machine, "error", err)
	}
	wf.noteItem(ctx, i)
}

// machine returns the snapshot's machine of that name.
func (wf *eventLifecycle) machine(name string) activities.EventMachine {
	for _, m := range wf.s.Machines {
		if m.Name == name {
			return m
		}
	}
	return activities.EventMachine{Name: name}
}

// runVMChild runs a VM workflow of type t for vm as a child and waits for
// it. Children are abandoned when the event's run closes: a VM workflow
// always finishes its own work (or compensates), and the lifecycle
// continues as new only when none is in flight.
func (wf *eventLifecycle) runVMChild(ctx workflow.Context, t Type, id string, vm uuid.UUID, in, out any) error {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: id, TaskQueue: t.Queue, ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(temporalx.KeyVMID.ValueSet(vm.String()),
			temporalx.KeyEventID.ValueSet(wf.in.EventID.String())),
	})
	return workflow.ExecuteChildWorkflow(cctx, t.Name, in).Get(ctx, out)
}
