package workflows

import "go.temporal.io/sdk/worker"

// Register registers every workflow with a worker of the core queue.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflow(Diagnostics)
}
