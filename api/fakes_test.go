package api_test

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mock"
)

// fakeAPIKeys is an APIKeyStore that keeps keys in memory, as the store
// does: revoked keys stay, lists hold the unrevoked ones, newest first.
func fakeAPIKeys() *mock.APIKeyStore {
	var mu sync.Mutex
	var keys []*domain.APIKey
	find := func(match func(*domain.APIKey) bool, what string) (*domain.APIKey, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, k := range keys {
			if match(k) {
				cp := *k
				return &cp, nil
			}
		}
		return nil, domain.NotFoundf("API key %s not found", what)
	}
	return &mock.APIKeyStore{
		CreateAPIKeyFn: func(_ context.Context, k *domain.APIKey) error {
			if err := k.Validate(time.Now()); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			k.ID, k.CreatedAt = uuid.New(), time.Now()
			cp := *k
			keys = append(keys, &cp)
			return nil
		},
		FindAPIKeyByPrefixFn: func(_ context.Context, prefix string) (*domain.APIKey, error) {
			return find(func(k *domain.APIKey) bool { return k.Prefix == prefix }, prefix)
		},
		FindAPIKeyFn: func(_ context.Context, id uuid.UUID) (*domain.APIKey, error) {
			return find(func(k *domain.APIKey) bool { return k.ID == id }, id.String())
		},
		ListAPIKeysFn: func(_ context.Context, owner uuid.UUID, _ domain.Page) ([]domain.APIKey, string, error) {
			mu.Lock()
			defer mu.Unlock()
			var out []domain.APIKey
			for _, k := range slices.Backward(keys) {
				if k.OwnerID == owner && k.RevokedAt == nil {
					out = append(out, *k)
				}
			}
			return out, "", nil
		},
		RevokeAPIKeyFn: func(_ context.Context, id uuid.UUID) (*domain.APIKey, error) {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range keys {
				if k.ID == id && k.RevokedAt == nil {
					now := time.Now()
					k.RevokedAt = &now
					cp := *k
					return &cp, nil
				}
			}
			return nil, domain.NotFoundf("API key %s not found", id)
		},
		TouchAPIKeyFn: func(_ context.Context, id uuid.UUID) error {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range keys {
				if k.ID == id && k.NeedsTouch(time.Now()) {
					now := time.Now()
					k.LastUsedAt = &now
				}
			}
			return nil
		},
	}
}

// fakeIdempotency is an IdempotencyStore that keeps keys in memory, as
// the store does (without expiry).
func fakeIdempotency() *mock.IdempotencyStore {
	type entry struct {
		fingerprint string
		resp        *domain.IdempotentResponse
	}
	type id struct {
		user uuid.UUID
		key  string
	}
	var mu sync.Mutex
	entries := map[id]*entry{}
	return &mock.IdempotencyStore{
		ClaimIdempotencyKeyFn: func(_ context.Context, user uuid.UUID, key, fingerprint string) (*domain.IdempotentResponse, error) {
			mu.Lock()
			defer mu.Unlock()
			e, ok := entries[id{user, key}]
			switch {
			case !ok:
				entries[id{user, key}] = &entry{fingerprint: fingerprint}
				return nil, nil
			case e.fingerprint != fingerprint:
				return nil, domain.Errorf(domain.KindUnprocessable, "this Idempotency-Key was already used for a different request")
			case e.resp == nil:
				return nil, domain.Conflictf("a request with this Idempotency-Key is in progress")
			}
			cp := *e.resp
			return &cp, nil
		},
		CompleteIdempotencyKeyFn: func(_ context.Context, user uuid.UUID, key string, resp domain.IdempotentResponse) error {
			mu.Lock()
			defer mu.Unlock()
			if e, ok := entries[id{user, key}]; ok && e.resp == nil {
				e.resp = &resp
			}
			return nil
		},
		ReleaseIdempotencyKeyFn: func(_ context.Context, user uuid.UUID, key string) error {
			mu.Lock()
			defer mu.Unlock()
			if e, ok := entries[id{user, key}]; ok && e.resp == nil {
				delete(entries, id{user, key})
			}
			return nil
		},
	}
}
