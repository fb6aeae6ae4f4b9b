package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// OperationState is where a long-running operation stands.
type OperationState string

// Operation states. AwaitingOperator means retries are exhausted and the
// workflow waits for an operator's retry, skip or abort.
const (
	OpPending          OperationState = "pending"
	OpRunning          OperationState = "running"
	OpAwaitingOperator OperationState = "awaiting_operator"
	OpCompleted        OperationState = "completed"
	OpFailed           OperationState = "failed"
	OpAborted          OperationState = "aborted"
)

// Terminal reports whether the state is final.
func (s OperationState) Terminal() bool {
	return s == OpCompleted || s == OpFailed || s == OpAborted
}

// Operation is a long-running request carried out by a Temporal workflow.
// The API answers 202 with it; clients poll it until it is terminal.
type Operation struct {
	ID         uuid.UUID      `json:"id"`
	Kind       string         `json:"kind"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	WorkflowID string         `json:"workflow_id"`
	RunID      string         `json:"run_id,omitempty"`
	State      OperationState `json:"state"`
	Step       string         `json:"step,omitempty"`
	Error      string         `json:"error,omitempty"`
	// Skippable says the operator may skip the step the operation awaits
	// them on; false in every other state.
	Skippable   bool           `json:"skippable"`
	Result      map[string]any `json:"result,omitempty"`
	RequestedBy uuid.UUID      `json:"requested_by"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	CompletedAt *time.Time     `json:"completed_at,omitempty"`
	// Steps are the steps the operation went through, oldest first; only
	// the single-operation view fills them.
	Steps []OperationStep `json:"steps,omitempty"`
}

// OperationFilter narrows ListOperations. Zero fields match everything.
type OperationFilter struct {
	State OperationState
	// Unfinished keeps only operations in a non-terminal state.
	Unfinished  bool
	Kind        string
	TargetType  string
	TargetID    string
	RequestedBy *uuid.UUID
	Page        Page
}

// OperationStore keeps the record of every long-running operation.
type OperationStore interface {
	// CreateOperation stores op, assigning ID (unless set) and timestamps,
	// and lets its requester (RequestedBy, unless zero: the system) read
	// it, all at once. It returns KindConflict if an unfinished operation
	// already uses op.WorkflowID or targets the same VM.
	CreateOperation(ctx context.Context, op *Operation) error
	// FindOperation returns the operation or KindNotFound.
	FindOperation(ctx context.Context, id uuid.UUID) (*Operation, error)
	// FindOperationByWorkflowID returns the newest operation of the workflow or KindNotFound.
	FindOperationByWorkflowID(ctx context.Context, workflowID string) (*Operation, error)
	// UpdateOperationProgress stores state, step, error, skippable, result
	// and run id (an empty RunID keeps the stored one), refreshing
	// UpdatedAt, setting CompletedAt on terminal states and recording the
	// report in the step history (ApplyStepReport). It returns
	// KindNotFound, or KindConflict when reopening the operation would give
	// its workflow two unfinished ones.
	UpdateOperationProgress(ctx context.Context, op *Operation) error
	// ListOperationSteps returns the operation's step history, oldest
	// first (empty for an unknown operation).
	ListOperationSteps(ctx context.Context, id uuid.UUID) ([]OperationStep, error)
	// ListOperations returns operations newest first.
	ListOperations(ctx context.Context, f OperationFilter) ([]Operation, string, error)
}
