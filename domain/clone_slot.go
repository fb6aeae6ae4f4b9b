package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// CloneSlotStore leases clone slots, which cap the clones running at once
// per Proxmox node and per storage across every worker.
type CloneSlotStore interface {
	// AcquireCloneSlot leases one of the clone slots of a node and a
	// storage to holder (a workflow id) for lease, and reports whether it
	// got one: a node has nodeCap slots, a storage storageCap across every
	// node that uses it, and only unexpired leases count. A holder that
	// already has a slot keeps it (its lease renewed).
	AcquireCloneSlot(ctx context.Context, nodeID uuid.UUID, storage, holder string, nodeCap, storageCap int, lease time.Duration) (bool, error)
	// RenewCloneSlot extends holder's lease and reports whether it still had one.
	RenewCloneSlot(ctx context.Context, holder string, lease time.Duration) (bool, error)
	// ReleaseCloneSlot gives holder's slot back and announces the release;
	// releasing twice is harmless.
	ReleaseCloneSlot(ctx context.Context, holder string) error
}
