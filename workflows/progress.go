package workflows

import (
	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// QueryProgress is the query every operation workflow answers with its Progress.
const QueryProgress = "progress"

// Progress is where an operation workflow stands, as the progress query
// returns it.
type Progress struct {
	State domain.OperationState `json:"state"`
	Step  string                `json:"step"`
	Error string                `json:"error,omitempty"`
	// Skippable says the operator may skip the step awaiting them.
	Skippable bool `json:"skippable,omitempty"`
}

// progress tracks an operation's state in three places at once: the
// workflow's own query handler, the LabforgeState search attribute and the
// operation record in PostgreSQL.
type progress struct {
	operationID uuid.UUID
	current     Progress
}

// beginVMWorkflow starts a VM lifecycle workflow: it decides once whether
// its bookkeeping runs as local activities, registers the progress query
// and opens the operator signal. The returned context carries the choice.
func (p *progress) beginVMWorkflow(ctx workflow.Context) (workflow.Context, *operator, error) {
	ctx = withLocalBookkeeping(ctx)
	if err := p.setup(ctx); err != nil {
		return ctx, nil, err
	}
	return ctx, newOperator(ctx, p), nil
}

// setup registers the progress query handler.
func (p *progress) setup(ctx workflow.Context) error {
	p.current = Progress{State: domain.OpPending}
	return workflow.SetQueryHandler(ctx, QueryProgress, func() (Progress, error) { return p.current, nil })
}

// report moves the operation to state and step and records it.
func (p *progress) report(ctx workflow.Context, state domain.OperationState, step, errMsg string, result map[string]any) error {
	return p.record(ctx, activities.OperationProgress{State: state, Step: step, Error: errMsg, Result: result})
}

// reportAwaiting records that the operation waits for its operator on
// step, failed for reason; skippable says the operator may skip it.
func (p *progress) reportAwaiting(ctx workflow.Context, step, reason string, skippable bool) error {
	return p.record(ctx, activities.OperationProgress{State: domain.OpAwaitingOperator, Step: step, Error: reason, Skippable: skippable})
}

// record makes r the operation's progress: in the query handler, the
// search attribute and, for an operation with a record, PostgreSQL.
func (p *progress) record(ctx workflow.Context, r activities.OperationProgress) error {
	p.current = Progress{State: r.State, Step: r.Step, Error: r.Error, Skippable: r.Skippable}
	if err := workflow.UpsertTypedSearchAttributes(ctx, stateKey.ValueSet(StateValue(r.State))); err != nil {
		return err
	}
	if p.operationID == uuid.Nil {
		return nil
	}
	r.OperationID = p.operationID
	return runBookkeeping(ctx, progressSpec, nil, operations.RecordOperationProgress, r)
}

// reportCompensated ends an operation whose compensation for cause ran:
// aborted when the operator aborted it or ctx is cancelled, failed
// otherwise. It returns cause, or the failure to report.
func (p *progress) reportCompensated(ctx workflow.Context, cause error) error {
	state := domain.OpAborted
	if !IsAborted(cause) && ctx.Err() == nil {
		state = domain.OpFailed
	}
	if err := p.report(ctx, state, "compensated", failureMessage(cause), nil); err != nil {
		return err
	}
	return cause
}
