package api_test

import (
	"context"
	"time"

	"github.com/google/uuid"
	tmock "github.com/stretchr/testify/mock"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// startCall is what the API passed to the fake Temporal's
// ExecuteWorkflow; it is filled when the call happens.
type startCall struct {
	options client.StartWorkflowOptions
	input   any
}

// expectStart makes the fake Temporal expect exactly one start of a
// workflow of type wf, and answer err or, when err is nil, a run.
func (h *fakeAPI) expectStart(wf workflows.Type, err error) *startCall {
	call := &startCall{}
	var run any
	if err == nil {
		r := mocks.NewWorkflowRun(h.t)
		r.On("GetRunID").Return("run-of-" + wf.Name).Once()
		run = r
	}
	h.temporal.On("ExecuteWorkflow", tmock.Anything, tmock.Anything, wf.Name, tmock.Anything).
		Run(func(args tmock.Arguments) {
			call.options = args.Get(1).(client.StartWorkflowOptions)
			call.input = args.Get(3)
		}).
		Return(run, err).Once()
	return call
}

// expectDescribe makes the fake Temporal expect one description of the
// workflow with id and answer that it has status.
func (h *fakeAPI) expectDescribe(workflowID string, status enumspb.WorkflowExecutionStatus) {
	h.temporal.On("DescribeWorkflowExecution", tmock.Anything, workflowID, "").
		Return(&workflowservice.DescribeWorkflowExecutionResponse{
			WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: status},
		}, nil).Once()
}

// operationsInMemory makes the fake OperationStore keep operations in
// memory, seeded with ops, with the step history each progress update
// adds (domain.ApplyStepReport, as the real store), and returns a
// function listing what it holds.
// It refuses, like the real store, a second unfinished operation on a VM
// or a container.
func (h *fakeAPI) operationsInMemory(ops ...domain.Operation) func() []domain.Operation {
	stored := append([]domain.Operation{}, ops...)
	steps := map[uuid.UUID][]domain.OperationStep{}
	h.operations.CreateOperationFn = func(_ context.Context, op *domain.Operation) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, o := range stored {
			sameGuest := (op.TargetType == domain.ObjectVM || op.TargetType == domain.ObjectContainer) &&
				o.TargetType == op.TargetType && o.TargetID == op.TargetID
			if !o.State.Terminal() && (o.WorkflowID == op.WorkflowID || sameGuest) {
				return domain.Conflictf("operation %s is unfinished", o.ID)
			}
		}
		if op.ID == uuid.Nil {
			op.ID = uuid.New()
		}
		op.CreatedAt, op.UpdatedAt = time.Now(), time.Now()
		stored = append(stored, *op)
		return nil
	}
	h.operations.FindOperationFn = func(_ context.Context, id uuid.UUID) (*domain.Operation, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, o := range stored {
			if o.ID == id {
				return &o, nil
			}
		}
		return nil, domain.NotFoundf("operation %s not found", id)
	}
	h.operations.UpdateOperationProgressFn = func(_ context.Context, op *domain.Operation) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		for i := range stored {
			if stored[i].ID == op.ID {
				stored[i] = *op
				history := steps[op.ID]
				var last *domain.OperationStep
				if len(history) > 0 {
					last = &history[len(history)-1]
				}
				changed, opened := domain.ApplyStepReport(last, domain.StepReport{State: op.State, Step: op.Step, Error: op.Error}, time.Now())
				if changed != nil {
					*last = *changed
				}
				if opened != nil {
					history = append(history, *opened)
				}
				steps[op.ID] = history
				return nil
			}
		}
		return domain.NotFoundf("operation %s not found", op.ID)
	}
	h.operations.ListOperationStepsFn = func(_ context.Context, id uuid.UUID) ([]domain.OperationStep, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		return append([]domain.OperationStep(nil), steps[id]...), nil
	}
	h.operations.ListOperationsFn = func(_ context.Context, f domain.OperationFilter) ([]domain.Operation, string, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		var out []domain.Operation
		for _, o := range stored {
			if (f.TargetType == "" || o.TargetType == f.TargetType) && (f.TargetID == "" || o.TargetID == f.TargetID) &&
				(!f.Unfinished || !o.State.Terminal()) && (f.RequestedBy == nil || o.RequestedBy == *f.RequestedBy) {
				out = append(out, o)
			}
		}
		return out, "", nil
	}
	return func() []domain.Operation {
		h.mu.Lock()
		defer h.mu.Unlock()
		return append([]domain.Operation{}, stored...)
	}
}
