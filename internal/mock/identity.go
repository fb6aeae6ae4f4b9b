package mock

import (
	"context"

	"github.com/labforge/labforge/domain"
)

// IdentityStore is a domain.IdentityStore whose method calls its Fn field.
type IdentityStore struct {
	ProvisionUserFn func(ctx context.Context, p *domain.Provisioning) (*domain.User, error)
}

var _ domain.IdentityStore = (*IdentityStore)(nil)

// ProvisionUser calls ProvisionUserFn.
func (s *IdentityStore) ProvisionUser(ctx context.Context, p *domain.Provisioning) (*domain.User, error) {
	if s.ProvisionUserFn == nil {
		unexpected("IdentityStore.ProvisionUser")
	}
	return s.ProvisionUserFn(ctx, p)
}
