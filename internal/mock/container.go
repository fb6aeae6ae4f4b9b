package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// ContainerStore is a domain.ContainerStore whose methods call the
// matching Fn field.
type ContainerStore struct {
	CreateContainerFn            func(ctx context.Context, c *domain.Container) error
	CreateContainerWithOwnerFn   func(ctx context.Context, c *domain.Container, services []domain.Service) ([]domain.Service, error)
	FindContainerFn              func(ctx context.Context, id uuid.UUID) (*domain.Container, error)
	FindContainerByHostnameFn    func(ctx context.Context, siteID uuid.UUID, hostname string) (*domain.Container, error)
	ListContainersFn             func(ctx context.Context, f domain.ContainerFilter) ([]domain.Container, string, error)
	UpdateContainerFn            func(ctx context.Context, c *domain.Container) error
	DeleteContainerFn            func(ctx context.Context, id uuid.UUID) error
	AllocateContainerFn          func(ctx context.Context, id uuid.UUID, vmids domain.VMIDRange) (*domain.ContainerAllocation, error)
	ReleaseContainerAllocationFn func(ctx context.Context, id uuid.UUID) error
	ReplaceContainerServicesFn   func(ctx context.Context, id uuid.UUID, services []domain.Service) ([]domain.Service, error)
	ListContainerServicesFn      func(ctx context.Context, id uuid.UUID) ([]domain.Service, error)
	ServicesOfFn                 func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]domain.Service, error)
	AddCollaboratorFn            func(ctx context.Context, id, userID uuid.UUID) error
	RemoveCollaboratorFn         func(ctx context.Context, id, userID uuid.UUID) error
	ListCollaboratorsFn          func(ctx context.Context, id uuid.UUID) ([]domain.Collaborator, error)
}

var _ domain.ContainerStore = (*ContainerStore)(nil)

// CreateContainer calls CreateContainerFn.
func (s *ContainerStore) CreateContainer(ctx context.Context, c *domain.Container) error {
	if s.CreateContainerFn == nil {
		unexpected("ContainerStore.CreateContainer")
	}
	return s.CreateContainerFn(ctx, c)
}

// CreateContainerWithOwner calls CreateContainerWithOwnerFn.
func (s *ContainerStore) CreateContainerWithOwner(ctx context.Context, c *domain.Container, services []domain.Service) ([]domain.Service, error) {
	if s.CreateContainerWithOwnerFn == nil {
		unexpected("ContainerStore.CreateContainerWithOwner")
	}
	return s.CreateContainerWithOwnerFn(ctx, c, services)
}

// FindContainer calls FindContainerFn.
func (s *ContainerStore) FindContainer(ctx context.Context, id uuid.UUID) (*domain.Container, error) {
	if s.FindContainerFn == nil {
		unexpected("ContainerStore.FindContainer")
	}
	return s.FindContainerFn(ctx, id)
}

// FindContainerByHostname calls FindContainerByHostnameFn.
func (s *ContainerStore) FindContainerByHostname(ctx context.Context, siteID uuid.UUID, hostname string) (*domain.Container, error) {
	if s.FindContainerByHostnameFn == nil {
		unexpected("ContainerStore.FindContainerByHostname")
	}
	return s.FindContainerByHostnameFn(ctx, siteID, hostname)
}

// ListContainers calls ListContainersFn.
func (s *ContainerStore) ListContainers(ctx context.Context, f domain.ContainerFilter) ([]domain.Container, string, error) {
	if s.ListContainersFn == nil {
		unexpected("ContainerStore.ListContainers")
	}
	return s.ListContainersFn(ctx, f)
}

// UpdateContainer calls UpdateContainerFn.
func (s *ContainerStore) UpdateContainer(ctx context.Context, c *domain.Container) error {
	if s.UpdateContainerFn == nil {
		unexpected("ContainerStore.UpdateContainer")
	}
	return s.UpdateContainerFn(ctx, c)
}

// DeleteContainer calls DeleteContainerFn.
func (s *ContainerStore) DeleteContainer(ctx context.Context, id uuid.UUID) error {
	if s.DeleteContainerFn == nil {
		unexpected("ContainerStore.DeleteContainer")
	}
	return s.DeleteContainerFn(ctx, id)
}

// AllocateContainer calls AllocateContainerFn.
func (s *ContainerStore) AllocateContainer(ctx context.Context, id uuid.UUID, vmids domain.VMIDRange) (*domain.ContainerAllocation, error) {
	if s.AllocateContainerFn == nil {
		unexpected("ContainerStore.AllocateContainer")
	}
	return s.AllocateContainerFn(ctx, id, vmids)
}

// ReleaseContainerAllocation calls ReleaseContainerAllocationFn.
func (s *ContainerStore) ReleaseContainerAllocation(ctx context.Context, id uuid.UUID) error {
	if s.ReleaseContainerAllocationFn == nil {
		unexpected("ContainerStore.ReleaseContainerAllocation")
	}
	return s.ReleaseContainerAllocationFn(ctx, id)
}

// ReplaceContainerServices calls ReplaceContainerServicesFn.
func (s *ContainerStore) ReplaceContainerServices(ctx context.Context, id uuid.UUID, services []domain.Service) ([]domain.Service, error) {
	if s.ReplaceContainerServicesFn == nil {
		unexpected("ContainerStore.ReplaceContainerServices")
	}
	return s.ReplaceContainerServicesFn(ctx, id, services)
}

// ListContainerServices calls ListContainerServicesFn.
func (s *ContainerStore) ListContainerServices(ctx context.Context, id uuid.UUID) ([]domain.Service, error) {
	if s.ListContainerServicesFn == nil {
		unexpected("ContainerStore.ListContainerServices")
	}
	return s.ListContainerServicesFn(ctx, id)
}

// ServicesOf calls ServicesOfFn.
func (s *ContainerStore) ServicesOf(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]domain.Service, error) {
	if s.ServicesOfFn == nil {
		unexpected("ContainerStore.ServicesOf")
	}
	return s.ServicesOfFn(ctx, ids)
}

// AddCollaborator calls AddCollaboratorFn.
func (s *ContainerStore) AddCollaborator(ctx context.Context, id, userID uuid.UUID) error {
	if s.AddCollaboratorFn == nil {
		unexpected("ContainerStore.AddCollaborator")
	}
	return s.AddCollaboratorFn(ctx, id, userID)
}

// RemoveCollaborator calls RemoveCollaboratorFn.
func (s *ContainerStore) RemoveCollaborator(ctx context.Context, id, userID uuid.UUID) error {
	if s.RemoveCollaboratorFn == nil {
		unexpected("ContainerStore.RemoveCollaborator")
	}
	return s.RemoveCollaboratorFn(ctx, id, userID)
}

// ListCollaborators calls ListCollaboratorsFn.
func (s *ContainerStore) ListCollaborators(ctx context.Context, id uuid.UUID) ([]domain.Collaborator, error) {
	if s.ListCollaboratorsFn == nil {
		unexpected("ContainerStore.ListCollaborators")
	}
	return s.ListCollaboratorsFn(ctx, id)
}
