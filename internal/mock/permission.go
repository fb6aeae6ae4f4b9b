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
	ListPermissionsFn  func(ctx context.Context, f domain.PermissionFilter) ([]domain.Permission, string, error)
	ShareObjectFn      func(ctx context.Context, objectType string, objectID uuid.UUID, to domain.Grantee, keys []domain.Key) ([]domain.Permission, error)
	UnshareObjectFn    func(ctx context.Context, objectType string, objectID uuid.UUID, from domain.Grantee, key domain.Key) ([]domain.Permission, error)
	RolePermissionsFn  func(ctx context.Context) (map[string][]domain.Permission, error)
	CreateRoleFn       func(ctx context.Context, r *domain.Role, perms []domain.Permission) error
	DeleteRoleFn       func(ctx context.Context, name string) error
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

// ListPermissions calls ListPermissionsFn.
func (s *PermissionStore) ListPermissions(ctx context.Context, f domain.PermissionFilter) ([]domain.Permission, string, error) {
	if s.ListPermissionsFn == nil {
		unexpected("PermissionStore.ListPermissions")
	}
	return s.ListPermissionsFn(ctx, f)
}

// ShareObject calls ShareObjectFn.
func (s *PermissionStore) ShareObject(ctx context.Context, objectType string, objectID uuid.UUID, to domain.Grantee, keys []domain.Key) ([]domain.Permission, error) {
	if s.ShareObjectFn == nil {
		unexpected("PermissionStore.ShareObject")
	}
	return s.ShareObjectFn(ctx, objectType, objectID, to, keys)
}

// UnshareObject calls UnshareObjectFn.
func (s *PermissionStore) UnshareObject(ctx context.Context, objectType string, objectID uuid.UUID, from domain.Grantee, key domain.Key) ([]domain.Permission, error) {
	if s.UnshareObjectFn == nil {
		unexpected("PermissionStore.UnshareObject")
	}
	return s.UnshareObjectFn(ctx, objectType, objectID, from, key)
}

// RolePermissions calls RolePermissionsFn.
func (s *PermissionStore) RolePermissions(ctx context.Context) (map[string][]domain.Permission, error) {
	if s.RolePermissionsFn == nil {
		unexpected("PermissionStore.RolePermissions")
	}
	return s.RolePermissionsFn(ctx)
}

// CreateRoleWithPermissions calls CreateRoleFn.
func (s *PermissionStore) CreateRoleWithPermissions(ctx context.Context, r *domain.Role, perms []domain.Permission) error {
	if s.CreateRoleFn == nil {
		unexpected("PermissionStore.CreateRoleWithPermissions")
	}
	return s.CreateRoleFn(ctx, r, perms)
}

// DeleteRole calls DeleteRoleFn.
func (s *PermissionStore) DeleteRole(ctx context.Context, name string) error {
	if s.DeleteRoleFn == nil {
		unexpected("PermissionStore.DeleteRole")
	}
	return s.DeleteRoleFn(ctx, name)
}
