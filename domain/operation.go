package domain

import (
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
	ID          uuid.UUID      `json:"id"`
	Kind        string         `json:"kind"`
	TargetType  string         `json:"target_type"`
	TargetID    string         `json:"target_id"`
	WorkflowID  string         `json:"workflow_id"`
	RunID       string         `json:"run_id,omitempty"`
	State       OperationState `json:"state"`
	Step        string         `json:"step,omitempty"`
	Error       string         `json:"error,omitempty"`
	Result      map[string]any `json:"result,omitempty"`
	RequestedBy uuid.UUID      `json:"requested_by"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	CompletedAt *time.Time     `json:"completed_at,omitempty"`
}
