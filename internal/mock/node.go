package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// NodeStore is a domain.NodeStore whose methods call the matching Fn field.
type NodeStore struct {
	CreateNodeFn       func(ctx context.Context, n *domain.Node) error
	FindNodeFn         func(ctx context.Context, id uuid.UUID) (*domain.Node, error)
	FindNodeByNameFn   func(ctx context.Context, cluster, name string) (*domain.Node, error)
	ListNodesFn        func(ctx context.Context, page domain.Page) ([]domain.Node, string, error)
	UpdateNodeFn       func(ctx context.Context, n *domain.Node) error
	UpdateNodeStatusFn func(ctx context.Context, n *domain.Node) error
	DeleteNodeFn       func(ctx context.Context, id uuid.UUID) error
}

var _ domain.NodeStore = (*NodeStore)(nil)

// CreateNode calls CreateNodeFn.
func (s *NodeStore) CreateNode(ctx context.Context, n *domain.Node) error {
	if s.CreateNodeFn == nil {
		unexpected("NodeStore.CreateNode")
	}
	return s.CreateNodeFn(ctx, n)
}

// FindNode calls FindNodeFn.
func (s *NodeStore) FindNode(ctx context.Context, id uuid.UUID) (*domain.Node, error) {
	if s.FindNodeFn == nil {
		unexpected("NodeStore.FindNode")
	}
	return s.FindNodeFn(ctx, id)
}

// FindNodeByName calls FindNodeByNameFn.
func (s *NodeStore) FindNodeByName(ctx context.Context, cluster, name string) (*domain.Node, error) {
	if s.FindNodeByNameFn == nil {
		unexpected("NodeStore.FindNodeByName")
	}
	return s.FindNodeByNameFn(ctx, cluster, name)
}

// ListNodes calls ListNodesFn.
func (s *NodeStore) ListNodes(ctx context.Context, page domain.Page) ([]domain.Node, string, error) {
	if s.ListNodesFn == nil {
		unexpected("NodeStore.ListNodes")
	}
	return s.ListNodesFn(ctx, page)
}

// UpdateNode calls UpdateNodeFn.
func (s *NodeStore) UpdateNode(ctx context.Context, n *domain.Node) error {
	if s.UpdateNodeFn == nil {
		unexpected("NodeStore.UpdateNode")
	}
	return s.UpdateNodeFn(ctx, n)
}

// UpdateNodeStatus calls UpdateNodeStatusFn.
func (s *NodeStore) UpdateNodeStatus(ctx context.Context, n *domain.Node) error {
	if s.UpdateNodeStatusFn == nil {
		unexpected("NodeStore.UpdateNodeStatus")
	}
	return s.UpdateNodeStatusFn(ctx, n)
}

// DeleteNode calls DeleteNodeFn.
func (s *NodeStore) DeleteNode(ctx context.Context, id uuid.UUID) error {
	if s.DeleteNodeFn == nil {
		unexpected("NodeStore.DeleteNode")
	}
	return s.DeleteNodeFn(ctx, id)
}
