package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// APIKeyStore is a domain.APIKeyStore whose methods call the matching Fn field.
type APIKeyStore struct {
	CreateAPIKeyFn       func(ctx context.Context, k *domain.APIKey) error
	FindAPIKeyByPrefixFn func(ctx context.Context, prefix string) (*domain.APIKey, error)
	FindAPIKeyFn         func(ctx context.Context, id uuid.UUID) (*domain.APIKey, error)
	ListAPIKeysFn        func(ctx context.Context, owner uuid.UUID, page domain.Page) ([]domain.APIKey, string, error)
	RevokeAPIKeyFn       func(ctx context.Context, id uuid.UUID) (*domain.APIKey, error)
	TouchAPIKeyFn        func(ctx context.Context, id uuid.UUID) error
}

var _ domain.APIKeyStore = (*APIKeyStore)(nil)

// CreateAPIKey calls CreateAPIKeyFn.
func (s *APIKeyStore) CreateAPIKey(ctx context.Context, k *domain.APIKey) error {
	if s.CreateAPIKeyFn == nil {
		unexpected("APIKeyStore.CreateAPIKey")
	}
	return s.CreateAPIKeyFn(ctx, k)
}

// FindAPIKeyByPrefix calls FindAPIKeyByPrefixFn.
func (s *APIKeyStore) FindAPIKeyByPrefix(ctx context.Context, prefix string) (*domain.APIKey, error) {
	if s.FindAPIKeyByPrefixFn == nil {
		unexpected("APIKeyStore.FindAPIKeyByPrefix")
	}
	return s.FindAPIKeyByPrefixFn(ctx, prefix)
}

// FindAPIKey calls FindAPIKeyFn.
func (s *APIKeyStore) FindAPIKey(ctx context.Context, id uuid.UUID) (*domain.APIKey, error) {
	if s.FindAPIKeyFn == nil {
		unexpected("APIKeyStore.FindAPIKey")
	}
	return s.FindAPIKeyFn(ctx, id)
}

// ListAPIKeys calls ListAPIKeysFn.
func (s *APIKeyStore) ListAPIKeys(ctx context.Context, owner uuid.UUID, page domain.Page) ([]domain.APIKey, string, error) {
	if s.ListAPIKeysFn == nil {
		unexpected("APIKeyStore.ListAPIKeys")
	}
	return s.ListAPIKeysFn(ctx, owner, page)
}

// RevokeAPIKey calls RevokeAPIKeyFn.
func (s *APIKeyStore) RevokeAPIKey(ctx context.Context, id uuid.UUID) (*domain.APIKey, error) {
	if s.RevokeAPIKeyFn == nil {
		unexpected("APIKeyStore.RevokeAPIKey")
	}
	return s.RevokeAPIKeyFn(ctx, id)
}

// TouchAPIKey calls TouchAPIKeyFn.
func (s *APIKeyStore) TouchAPIKey(ctx context.Context, id uuid.UUID) error {
	if s.TouchAPIKeyFn == nil {
		unexpected("APIKeyStore.TouchAPIKey")
	}
	return s.TouchAPIKeyFn(ctx, id)
}
