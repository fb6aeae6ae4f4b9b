package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// VMStore is a domain.VMStore whose methods call the matching Fn field.
type VMStore struct {
	CreateVMWithOwnerFn   func(ctx context.Context, vm *domain.VM, creator uuid.UUID) error
	FindVMFn              func(ctx context.Context, id uuid.UUID) (*domain.VM, error)
	ListVMsFn             func(ctx context.Context, f domain.VMFilter) ([]domain.VM, string, error)
	RecordVMObservationFn func(ctx context.Context, id uuid.UUID, obs domain.VMObservation) error
	PlaceVMFn             func(ctx context.Context, id uuid.UUID, vmids domain.VMIDRange) (*domain.Placement, error)
	PlaceVMsFn            func(ctx context.Context, ids []uuid.UUID, vmids domain.VMIDRange) ([]domain.PlacementOutcome, error)
	ReleaseVMIDFn         func(ctx context.Context, cluster string, vmid int) error
	MarkVMIDForeignFn     func(ctx context.Context, cluster string, vmid int) error
}

var _ domain.VMStore = (*VMStore)(nil)

// CreateVMWithOwner calls CreateVMWithOwnerFn.
func (s *VMStore) CreateVMWithOwner(ctx context.Context, vm *domain.VM, creator uuid.UUID) error {
	if s.CreateVMWithOwnerFn == nil {
		unexpected("VMStore.CreateVMWithOwner")
	}
	return s.CreateVMWithOwnerFn(ctx, vm, creator)
}

// FindVM calls FindVMFn.
func (s *VMStore) FindVM(ctx context.Context, id uuid.UUID) (*domain.VM, error) {
	if s.FindVMFn == nil {
		unexpected("VMStore.FindVM")
	}
	return s.FindVMFn(ctx, id)
}

// ListVMs calls ListVMsFn.
func (s *VMStore) ListVMs(ctx context.Context, f domain.VMFilter) ([]domain.VM, string, error) {
	if s.ListVMsFn == nil {
		unexpected("VMStore.ListVMs")
	}
	return s.ListVMsFn(ctx, f)
}

// RecordVMObservation calls RecordVMObservationFn.
func (s *VMStore) RecordVMObservation(ctx context.Context, id uuid.UUID, obs domain.VMObservation) error {
	if s.RecordVMObservationFn == nil {
		unexpected("VMStore.RecordVMObservation")
	}
	return s.RecordVMObservationFn(ctx, id, obs)
}

// PlaceVM calls PlaceVMFn.
func (s *VMStore) PlaceVM(ctx context.Context, id uuid.UUID, vmids domain.VMIDRange) (*domain.Placement, error) {
	if s.PlaceVMFn == nil {
		unexpected("VMStore.PlaceVM")
	}
	return s.PlaceVMFn(ctx, id, vmids)
}

// PlaceVMs calls PlaceVMsFn.
func (s *VMStore) PlaceVMs(ctx context.Context, ids []uuid.UUID, vmids domain.VMIDRange) ([]domain.PlacementOutcome, error) {
	if s.PlaceVMsFn == nil {
		unexpected("VMStore.PlaceVMs")
	}
	return s.PlaceVMsFn(ctx, ids, vmids)
}

// ReleaseVMID calls ReleaseVMIDFn.
func (s *VMStore) ReleaseVMID(ctx context.Context, cluster string, vmid int) error {
	if s.ReleaseVMIDFn == nil {
		unexpected("VMStore.ReleaseVMID")
	}
	return s.ReleaseVMIDFn(ctx, cluster, vmid)
}

// MarkVMIDForeign calls MarkVMIDForeignFn.
func (s *VMStore) MarkVMIDForeign(ctx context.Context, cluster string, vmid int) error {
	if s.MarkVMIDForeignFn == nil {
		unexpected("VMStore.MarkVMIDForeign")
	}
	return s.MarkVMIDForeignFn(ctx, cluster, vmid)
}
