package mock

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// CloneSlotStore is a domain.CloneSlotStore whose methods call the
// matching Fn field.
type CloneSlotStore struct {
	AcquireCloneSlotFn func(ctx context.Context, nodeID uuid.UUID, storage, holder string, nodeCap, storageCap int, lease time.Duration) (bool, error)
	RenewCloneSlotFn   func(ctx context.Context, holder string, lease time.Duration) (bool, error)
	ReleaseCloneSlotFn func(ctx context.Context, holder string) error
}

var _ domain.CloneSlotStore = (*CloneSlotStore)(nil)

// AcquireCloneSlot calls AcquireCloneSlotFn.
func (s *CloneSlotStore) AcquireCloneSlot(ctx context.Context, nodeID uuid.UUID, storage, holder string, nodeCap, storageCap int, lease time.Duration) (bool, error) {
	if s.AcquireCloneSlotFn == nil {
		unexpected("CloneSlotStore.AcquireCloneSlot")
	}
	return s.AcquireCloneSlotFn(ctx, nodeID, storage, holder, nodeCap, storageCap, lease)
}

// RenewCloneSlot calls RenewCloneSlotFn.
func (s *CloneSlotStore) RenewCloneSlot(ctx context.Context, holder string, lease time.Duration) (bool, error) {
	if s.RenewCloneSlotFn == nil {
		unexpected("CloneSlotStore.RenewCloneSlot")
	}
	return s.RenewCloneSlotFn(ctx, holder, lease)
}

// ReleaseCloneSlot calls ReleaseCloneSlotFn.
func (s *CloneSlotStore) ReleaseCloneSlot(ctx context.Context, holder string) error {
	if s.ReleaseCloneSlotFn == nil {
		unexpected("CloneSlotStore.ReleaseCloneSlot")
	}
	return s.ReleaseCloneSlotFn(ctx, holder)
}
