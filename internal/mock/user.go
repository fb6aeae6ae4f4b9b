package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// UserStore is a domain.UserStore whose methods call the matching Fn field.
type UserStore struct {
	CreateUserFn         func(ctx context.Context, u *domain.User) error
	FindUserByIDFn       func(ctx context.Context, id uuid.UUID) (*domain.User, error)
	FindUserByUsernameFn func(ctx context.Context, username string) (*domain.User, error)
	ListUsersFn          func(ctx context.Context, page domain.Page) ([]domain.User, string, error)
	UpdateUserFn         func(ctx context.Context, u *domain.User) error
	DeleteUserFn         func(ctx context.Context, id uuid.UUID) error
	CountUsersWithRoleFn func(ctx context.Context, role string) (int, error)
	LookupUsersFn        func(ctx context.Context, l domain.UserLookup) ([]domain.UserSummary, error)
}

var _ domain.UserStore = (*UserStore)(nil)

// CreateUser calls CreateUserFn.
func (s *UserStore) CreateUser(ctx context.Context, u *domain.User) error {
	if s.CreateUserFn == nil {
		unexpected("UserStore.CreateUser")
	}
	return s.CreateUserFn(ctx, u)
}

// FindUserByID calls FindUserByIDFn.
func (s *UserStore) FindUserByID(ctx context.Context, id uuid.UUID) (*domain.User, error) {
	if s.FindUserByIDFn == nil {
		unexpected("UserStore.FindUserByID")
	}
	return s.FindUserByIDFn(ctx, id)
}

// FindUserByUsername calls FindUserByUsernameFn.
func (s *UserStore) FindUserByUsername(ctx context.Context, username string) (*domain.User, error) {
	if s.FindUserByUsernameFn == nil {
		unexpected("UserStore.FindUserByUsername")
	}
	return s.FindUserByUsernameFn(ctx, username)
}

// ListUsers calls ListUsersFn.
func (s *UserStore) ListUsers(ctx context.Context, page domain.Page) ([]domain.User, string, error) {
	if s.ListUsersFn == nil {
		unexpected("UserStore.ListUsers")
	}
	return s.ListUsersFn(ctx, page)
}

// UpdateUser calls UpdateUserFn.
func (s *UserStore) UpdateUser(ctx context.Context, u *domain.User) error {
	if s.UpdateUserFn == nil {
		unexpected("UserStore.UpdateUser")
	}
	return s.UpdateUserFn(ctx, u)
}

// DeleteUser calls DeleteUserFn.
func (s *UserStore) DeleteUser(ctx context.Context, id uuid.UUID) error {
	if s.DeleteUserFn == nil {
		unexpected("UserStore.DeleteUser")
	}
	return s.DeleteUserFn(ctx, id)
}

// CountUsersWithRole calls CountUsersWithRoleFn.
func (s *UserStore) CountUsersWithRole(ctx context.Context, role string) (int, error) {
	if s.CountUsersWithRoleFn == nil {
		unexpected("UserStore.CountUsersWithRole")
	}
	return s.CountUsersWithRoleFn(ctx, role)
}

// LookupUsers calls LookupUsersFn.
func (s *UserStore) LookupUsers(ctx context.Context, l domain.UserLookup) ([]domain.UserSummary, error) {
	if s.LookupUsersFn == nil {
		unexpected("UserStore.LookupUsers")
	}
	return s.LookupUsersFn(ctx, l)
}
