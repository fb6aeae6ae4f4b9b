package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// IdempotencyStore is a domain.IdempotencyStore whose methods call the
// matching Fn field.
type IdempotencyStore struct {
	ClaimIdempotencyKeyFn    func(ctx context.Context, user uuid.UUID, key, fingerprint string) (*domain.IdempotentResponse, error)
	CompleteIdempotencyKeyFn func(ctx context.Context, user uuid.UUID, key string, resp domain.IdempotentResponse) error
	ReleaseIdempotencyKeyFn  func(ctx context.Context, user uuid.UUID, key string) error
}

var _ domain.IdempotencyStore = (*IdempotencyStore)(nil)

// ClaimIdempotencyKey calls ClaimIdempotencyKeyFn.
func (s *IdempotencyStore) ClaimIdempotencyKey(ctx context.Context, user uuid.UUID, key, fingerprint string) (*domain.IdempotentResponse, error) {
	if s.ClaimIdempotencyKeyFn == nil {
		unexpected("IdempotencyStore.ClaimIdempotencyKey")
	}
	return s.ClaimIdempotencyKeyFn(ctx, user, key, fingerprint)
}

// CompleteIdempotencyKey calls CompleteIdempotencyKeyFn.
func (s *IdempotencyStore) CompleteIdempotencyKey(ctx context.Context, user uuid.UUID, key string, resp domain.IdempotentResponse) error {
	if s.CompleteIdempotencyKeyFn == nil {
		unexpected("IdempotencyStore.CompleteIdempotencyKey")
	}
	return s.CompleteIdempotencyKeyFn(ctx, user, key, resp)
}

// ReleaseIdempotencyKey calls ReleaseIdempotencyKeyFn.
func (s *IdempotencyStore) ReleaseIdempotencyKey(ctx context.Context, user uuid.UUID, key string) error {
	if s.ReleaseIdempotencyKeyFn == nil {
		unexpected("IdempotencyStore.ReleaseIdempotencyKey")
	}
	return s.ReleaseIdempotencyKeyFn(ctx, user, key)
}
