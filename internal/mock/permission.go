package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// PermissionStore is a domain.PermissionStore whose methods call the
// matching Fn field.
type PermissionStore struct {
	GrantPermissionFn  func(ctx context.Context, p *domain.Permission) error
	RevokePermissionFn func(ctx context.Context, id uuid.UUID) error
	PermissionsForFn   func(ctx context.Context, s domain.Subject, obj domain.ObjectRef) ([]domain.Permission, error)
	ListRolesFn        func(ctx context.Context) ([]domain.Role, error)
}

var _ domain.PermissionStore = (*PermissionStore)(nil)

// GrantPermission calls GrantPermissionFn.
func (s *PermissionStore) GrantPermission(ctx context.Context, p *domain.Permission) error {
	if s.GrantPermissionFn == nil {
		unexpected("PermissionStore.GrantPermission")
	}
	return s.GrantPermissionFn(ctx, p)
}

// RevokePermission calls RevokePermissionFn.
func (s *PermissionStore) RevokePermission(ctx context.Context, id uuid.UUID) error {
	if s.RevokePermissionFn == nil {
		unexpected("PermissionStore.RevokePermission")
	}
	return s.RevokePermissionFn(ctx, id)
}

// PermissionsFor calls PermissionsForFn.
func (s *PermissionStore) PermissionsFor(ctx context.Context, subject domain.Subject, obj domain.ObjectRef) ([]domain.Permission, error) {
	if s.PermissionsForFn == nil {
		unexpected("PermissionStore.PermissionsFor")
	}
	return s.PermissionsForFn(ctx, subject, obj)
}

// ListRoles calls ListRolesFn.
func (s *PermissionStore) ListRoles(ctx context.Context) ([]domain.Role, error) {
	if s.ListRolesFn == nil {
		unexpected("PermissionStore.ListRoles")
	}
	return s.ListRolesFn(ctx)
}
