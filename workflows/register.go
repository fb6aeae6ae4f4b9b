package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// Type names a workflow type: the name workers register it under and
// clients start it by, and the task queue whose workers run it. A name
// never changes once released: running workflows, schedules and recorded
// histories carry it.
type Type struct {
	Name  string
	Queue string
}

// The workflow types, each run by the workers of one queue.
var (
	DiagnosticsType   = Type{Name: "Diagnostics", Queue: activities.QueueCore}
	ImportNodesType   = Type{Name: "ImportNodes", Queue: activities.QueueCore}
	CloneVMType       = Type{Name: "CloneVM", Queue: activities.QueueCore}
	VMActionType      = Type{Name: "VMAction", Queue: activities.QueueCore}
	DeleteVMType      = Type{Name: "DeleteVM", Queue: activities.QueueCore}
	SyncInventoryType = Type{Name: "SyncInventory", Queue: activities.QueuePVEPeriodic}
	ReconcileType     = Type{Name: "Reconcile", Queue: activities.QueuePVEPeriodic}
	SiteGatewayType   = Type{Name: "SiteGateway", Queue: activities.QueueCore}
)

// registration is one workflow type and the function that runs it.
type registration struct {
	typ Type
	fn  any
}

// table lists every workflow with its function, the VM lifecycle ones
// under t.
func table(t Tuning) []registration {
	return []registration{
		{DiagnosticsType, tuned(t, Diagnostics)},
		{ImportNodesType, tuned(t, ImportNodes)},
		{CloneVMType, tuned(t, CloneVM)},
		{VMActionType, tuned(t, VMAction)},
		{DeleteVMType, tunedNoResult(t, DeleteVM)},
		{SyncInventoryType, tuned(t, SyncInventory)},
		{ReconcileType, tuned(t, Reconcile)},
		{SiteGatewayType, tuned(t, SiteGateway)},
		{CreateContainerType, tuned(t, CreateContainer)},
		{UpdateContainerType, tunedNoResult(t, UpdateContainer)},
		{ContainerActionType, tuned(t, ContainerAction)},
		{DeleteContainerType, tunedNoResult(t, DeleteContainer)},
		{SendEmailType, tuned(t, SendEmail)},
		{MoodleEnrolmentType, tuned(t, MoodleEnrolment)},
		{EventLifecycleType, tunedNoResult(t, EventLifecycle)},
	}
}

// Types lists every workflow type.
func Types() []Type {
	var out []Type
	for _, r := range table(Tuning{}) {
		out = append(out, r.typ)
	}
	return out
}

// WorkflowRegistry is where Register puts workflows: a Temporal worker, a
// replayer or a test environment.
type WorkflowRegistry interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}

// Register registers on r the workflows that run on queue, by their type
// names, under t. The activities they run as local activities are in the
// same queue's activity table (activities.Set.Register).
func Register(r WorkflowRegistry, queue string, t Tuning) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if !activities.ValidQueue(queue) {
		return fmt.Errorf("unknown task queue %q; known queues are %s", queue, activities.KnownQueues())
	}
	for _, reg := range table(t) {
		if reg.typ.Queue == queue {
			r.RegisterWorkflowWithOptions(reg.fn, workflow.RegisterOptions{Name: reg.typ.Name})
		}
	}
	return nil
}
