package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// EnvironmentStore is a domain.EnvironmentStore whose methods call the matching Fn field.
type EnvironmentStore struct {
	CreateEnvironmentFn func(ctx context.Context, e *domain.Environment) error
	FindEnvironmentFn   func(ctx context.Context, id uuid.UUID) (*domain.Environment, error)
	ListEnvironmentsFn  func(ctx context.Context, f domain.EnvironmentFilter) ([]domain.Environment, string, error)
	UpdateEnvironmentFn func(ctx context.Context, e *domain.Environment) error
	DeleteEnvironmentFn func(ctx context.Context, id uuid.UUID) error
}

var _ domain.EnvironmentStore = (*EnvironmentStore)(nil)

// CreateEnvironment calls CreateEnvironmentFn.
func (s *EnvironmentStore) CreateEnvironment(ctx context.Context, e *domain.Environment) error {
	if s.CreateEnvironmentFn == nil {
		unexpected("EnvironmentStore.CreateEnvironment")
	}
	return s.CreateEnvironmentFn(ctx, e)
}

// FindEnvironment calls FindEnvironmentFn.
func (s *EnvironmentStore) FindEnvironment(ctx context.Context, id uuid.UUID) (*domain.Environment, error) {
	if s.FindEnvironmentFn == nil {
		unexpected("EnvironmentStore.FindEnvironment")
	}
	return s.FindEnvironmentFn(ctx, id)
}

// ListEnvironments calls ListEnvironmentsFn.
func (s *EnvironmentStore) ListEnvironments(ctx context.Context, f domain.EnvironmentFilter) ([]domain.Environment, string, error) {
	if s.ListEnvironmentsFn == nil {
		unexpected("EnvironmentStore.ListEnvironments")
	}
	return s.ListEnvironmentsFn(ctx, f)
}

// UpdateEnvironment calls UpdateEnvironmentFn.
func (s *EnvironmentStore) UpdateEnvironment(ctx context.Context, e *domain.Environment) error {
	if s.UpdateEnvironmentFn == nil {
		unexpected("EnvironmentStore.UpdateEnvironment")
	}
	return s.UpdateEnvironmentFn(ctx, e)
}

// DeleteEnvironment calls DeleteEnvironmentFn.
func (s *EnvironmentStore) DeleteEnvironment(ctx context.Context, id uuid.UUID) error {
	if s.DeleteEnvironmentFn == nil {
		unexpected("EnvironmentStore.DeleteEnvironment")
	}
	return s.DeleteEnvironmentFn(ctx, id)
}
