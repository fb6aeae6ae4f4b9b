package workflows

import "go.temporal.io/sdk/worker"

// Register registers every workflow with a worker of the core queue.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflow(Diagnostics)
	r.RegisterWorkflow(ImportNodes)
	r.RegisterWorkflow(CloneVM)
	r.RegisterWorkflow(VMAction)
	r.RegisterWorkflow(DeleteVM)
}

// RegisterPeriodic registers the workflows of the pve-periodic queue, the
// ones its Temporal Schedules start.
func RegisterPeriodic(r worker.WorkflowRegistry) {
	r.RegisterWorkflow(SyncInventory)
	r.RegisterWorkflow(Reconcile)
}
