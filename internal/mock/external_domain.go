package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// ExternalDomainStore is a domain.ExternalDomainStore whose methods call the matching Fn field.
type ExternalDomainStore struct {
	CreateExternalDomainFn func(ctx context.Context, d *domain.ExternalDomain) error
	FindExternalDomainFn   func(ctx context.Context, id uuid.UUID) (*domain.ExternalDomain, error)
	ListExternalDomainsFn  func(ctx context.Context, f domain.ExternalDomainFilter) ([]domain.ExternalDomain, string, error)
	UpdateExternalDomainFn func(ctx context.Context, d *domain.ExternalDomain) error
	DeleteExternalDomainFn func(ctx context.Context, id uuid.UUID) error
}

var _ domain.ExternalDomainStore = (*ExternalDomainStore)(nil)

// CreateExternalDomain calls CreateExternalDomainFn.
func (s *ExternalDomainStore) CreateExternalDomain(ctx context.Context, d *domain.ExternalDomain) error {
	if s.CreateExternalDomainFn == nil {
		unexpected("ExternalDomainStore.CreateExternalDomain")
	}
	return s.CreateExternalDomainFn(ctx, d)
}

// FindExternalDomain calls FindExternalDomainFn.
func (s *ExternalDomainStore) FindExternalDomain(ctx context.Context, id uuid.UUID) (*domain.ExternalDomain, error) {
	if s.FindExternalDomainFn == nil {
		unexpected("ExternalDomainStore.FindExternalDomain")
	}
	return s.FindExternalDomainFn(ctx, id)
}

// ListExternalDomains calls ListExternalDomainsFn.
func (s *ExternalDomainStore) ListExternalDomains(ctx context.Context, f domain.ExternalDomainFilter) ([]domain.ExternalDomain, string, error) {
	if s.ListExternalDomainsFn == nil {
		unexpected("ExternalDomainStore.ListExternalDomains")
	}
	return s.ListExternalDomainsFn(ctx, f)
}

// UpdateExternalDomain calls UpdateExternalDomainFn.
func (s *ExternalDomainStore) UpdateExternalDomain(ctx context.Context, d *domain.ExternalDomain) error {
	if s.UpdateExternalDomainFn == nil {
		unexpected("ExternalDomainStore.UpdateExternalDomain")
	}
	return s.UpdateExternalDomainFn(ctx, d)
}

// DeleteExternalDomain calls DeleteExternalDomainFn.
func (s *ExternalDomainStore) DeleteExternalDomain(ctx context.Context, id uuid.UUID) error {
	if s.DeleteExternalDomainFn == nil {
		unexpected("ExternalDomainStore.DeleteExternalDomain")
	}
	return s.DeleteExternalDomainFn(ctx, id)
}
