package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"

	"github.com/labforge/labforge/domain"
)

// Operations records the progress of long-running operations so that the
// API can answer GET /api/v1/operations/{id} from PostgreSQL.
type Operations struct {
	Store domain.OperationStore
}

func (a *Operations) validate() error {
	if a.Store == nil {
		return errors.New("the operation activities need an operation store")
	}
	return nil
}

// OperationProgress is one progress report from a workflow.
type OperationProgress struct {
	OperationID uuid.UUID
	State       domain.OperationState
	Step        string
	Error       string
	// Skippable says the operator may skip the step the operation awaits
	// them on.
	Skippable bool
	Result    map[string]any
}

// RecordOperationProgress stores the report. It is idempotent: replaying
// the same report leaves the same record.
func (a *Operations) RecordOperationProgress(ctx context.Context, p OperationProgress) error {
	op, err := a.Store.FindOperation(ctx, p.OperationID)
	if err != nil {
		return classify(err)
	}
	op.State, op.Step, op.Error, op.Skippable, op.Result = p.State, p.Step, p.Error, p.Skippable, p.Result
	op.RunID = activity.GetInfo(ctx).WorkflowExecution.RunID
	return classify(a.Store.UpdateOperationProgress(ctx, op))
}
