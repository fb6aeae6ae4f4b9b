package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register registers every workflow with a worker of the core queue; the
// VM lifecycle workflows run under t (zero fields keep the defaults), by
// their function names, so clients start them as usual (CloneVM, ...).
func Register(r worker.WorkflowRegistry, t Tuning) {
	t = t.withDefaults()
	r.RegisterWorkflow(Diagnostics)
	r.RegisterWorkflow(ImportNodes)
	r.RegisterWorkflowWithOptions(withTuning(t, CloneVM), workflow.RegisterOptions{Name: "CloneVM"})
	r.RegisterWorkflowWithOptions(withTuning(t, VMAction), workflow.RegisterOptions{Name: "VMAction"})
	r.RegisterWorkflowWithOptions(withTuningNoResult(t, DeleteVM), workflow.RegisterOptions{Name: "DeleteVM"})
}

// RegisterPeriodic registers the workflows of the pve-periodic queue, the
// ones its Temporal Schedules start.
func RegisterPeriodic(r worker.WorkflowRegistry) {
	r.RegisterWorkflow(SyncInventory)
	r.RegisterWorkflow(Reconcile)
}
