package mock

import (
	"context"

	"github.com/labforge/labforge/domain"
)

// SecretStore is a domain.SecretStore whose method calls the matching Fn
// field.
type SecretStore struct {
	RotateSecretsFn func(ctx context.Context) (*domain.SecretRotation, error)
}

var _ domain.SecretStore = (*SecretStore)(nil)

// RotateSecrets calls RotateSecretsFn.
func (s *SecretStore) RotateSecrets(ctx context.Context) (*domain.SecretRotation, error) {
	if s.RotateSecretsFn == nil {
		unexpected("SecretStore.RotateSecrets")
	}
	return s.RotateSecretsFn(ctx)
}
