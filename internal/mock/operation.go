package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// OperationStore is a domain.OperationStore whose methods call the
// matching Fn field.
type OperationStore struct {
	CreateOperationFn           func(ctx context.Context, op *domain.Operation) error
	FindOperationFn             func(ctx context.Context, id uuid.UUID) (*domain.Operation, error)
	FindOperationByWorkflowIDFn func(ctx context.Context, workflowID string) (*domain.Operation, error)
	UpdateOperationProgressFn   func(ctx context.Context, op *domain.Operation) error
	ListOperationsFn            func(ctx context.Context, f domain.OperationFilter) ([]domain.Operation, string, error)
	ListOperationStepsFn        func(ctx context.Context, id uuid.UUID) ([]domain.OperationStep, error)
}

var _ domain.OperationStore = (*OperationStore)(nil)

// CreateOperation calls CreateOperationFn.
func (s *OperationStore) CreateOperation(ctx context.Context, op *domain.Operation) error {
	if s.CreateOperationFn == nil {
		unexpected("OperationStore.CreateOperation")
	}
	return s.CreateOperationFn(ctx, op)
}

// FindOperation calls FindOperationFn.
func (s *OperationStore) FindOperation(ctx context.Context, id uuid.UUID) (*domain.Operation, error) {
	if s.FindOperationFn == nil {
		unexpected("OperationStore.FindOperation")
	}
	return s.FindOperationFn(ctx, id)
}

// FindOperationByWorkflowID calls FindOperationByWorkflowIDFn.
func (s *OperationStore) FindOperationByWorkflowID(ctx context.Context, workflowID string) (*domain.Operation, error) {
	if s.FindOperationByWorkflowIDFn == nil {
		unexpected("OperationStore.FindOperationByWorkflowID")
	}
	return s.FindOperationByWorkflowIDFn(ctx, workflowID)
}

// UpdateOperationProgress calls UpdateOperationProgressFn.
func (s *OperationStore) UpdateOperationProgress(ctx context.Context, op *domain.Operation) error {
	if s.UpdateOperationProgressFn == nil {
		unexpected("OperationStore.UpdateOperationProgress")
	}
	return s.UpdateOperationProgressFn(ctx, op)
}

// ListOperations calls ListOperationsFn.
func (s *OperationStore) ListOperations(ctx context.Context, f domain.OperationFilter) ([]domain.Operation, string, error) {
	if s.ListOperationsFn == nil {
		unexpected("OperationStore.ListOperations")
	}
	return s.ListOperationsFn(ctx, f)
}

// ListOperationSteps calls ListOperationStepsFn.
func (s *OperationStore) ListOperationSteps(ctx context.Context, id uuid.UUID) ([]domain.OperationStep, error) {
	if s.ListOperationStepsFn == nil {
		unexpected("OperationStore.ListOperationSteps")
	}
	return s.ListOperationStepsFn(ctx, id)
}
