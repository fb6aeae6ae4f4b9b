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
	p.current = Progress{State: state, Step: step, Error: errMsg}
	if err := workflow.UpsertTypedSearchAttributes(ctx, stateKey.ValueSet(StateValue(state))); err != nil {
		return err
	}
	if p.operationID == uuid.Nil {
		return nil
	}
	return runBookkeeping(ctx, progressSpec, nil, operations.RecordOperationProgress,
		activities.OperationProgress{OperationID: p.operationID, State: state, Step: step, Error: errMsg, Result: result})
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
