package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// GroupStore is a domain.GroupStore whose methods call the matching Fn field.
type GroupStore struct {
	CreateGroupFn       func(ctx context.Context, g *domain.Group) error
	FindGroupFn         func(ctx context.Context, id uuid.UUID) (*domain.Group, error)
	ListGroupsFn        func(ctx context.Context, page domain.Page) ([]domain.Group, string, error)
	UpdateGroupFn       func(ctx context.Context, g *domain.Group) error
	DeleteGroupFn       func(ctx context.Context, id uuid.UUID) error
	AddGroupMemberFn    func(ctx context.Context, groupID uuid.UUID, userID uuid.UUID) error
	RemoveGroupMemberFn func(ctx context.Context, groupID uuid.UUID, userID uuid.UUID) error
}

var _ domain.GroupStore = (*GroupStore)(nil)

// CreateGroup calls CreateGroupFn.
func (s *GroupStore) CreateGroup(ctx context.Context, g *domain.Group) error {
	if s.CreateGroupFn == nil {
		unexpected("GroupStore.CreateGroup")
	}
	return s.CreateGroupFn(ctx, g)
}

// FindGroup calls FindGroupFn.
func (s *GroupStore) FindGroup(ctx context.Context, id uuid.UUID) (*domain.Group, error) {
	if s.FindGroupFn == nil {
		unexpected("GroupStore.FindGroup")
	}
	return s.FindGroupFn(ctx, id)
}

// ListGroups calls ListGroupsFn.
func (s *GroupStore) ListGroups(ctx context.Context, page domain.Page) ([]domain.Group, string, error) {
	if s.ListGroupsFn == nil {
		unexpected("GroupStore.ListGroups")
	}
	return s.ListGroupsFn(ctx, page)
}

// UpdateGroup calls UpdateGroupFn.
func (s *GroupStore) UpdateGroup(ctx context.Context, g *domain.Group) error {
	if s.UpdateGroupFn == nil {
		unexpected("GroupStore.UpdateGroup")
	}
	return s.UpdateGroupFn(ctx, g)
}

// DeleteGroup calls DeleteGroupFn.
func (s *GroupStore) DeleteGroup(ctx context.Context, id uuid.UUID) error {
	if s.DeleteGroupFn == nil {
		unexpected("GroupStore.DeleteGroup")
	}
	return s.DeleteGroupFn(ctx, id)
}

// AddGroupMember calls AddGroupMemberFn.
func (s *GroupStore) AddGroupMember(ctx context.Context, groupID uuid.UUID, userID uuid.UUID) error {
	if s.AddGroupMemberFn == nil {
		unexpected("GroupStore.AddGroupMember")
	}
	return s.AddGroupMemberFn(ctx, groupID, userID)
}

// RemoveGroupMember calls RemoveGroupMemberFn.
func (s *GroupStore) RemoveGroupMember(ctx context.Context, groupID uuid.UUID, userID uuid.UUID) error {
	if s.RemoveGroupMemberFn == nil {
		unexpected("GroupStore.RemoveGroupMember")
	}
	return s.RemoveGroupMemberFn(ctx, groupID, userID)
}
