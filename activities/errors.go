package activities

import (
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// Stable error type names workflows switch on. They never change once released.
const (
	ErrTypeInvalid   = "Invalid"
	ErrTypeNotFound  = "NotFound"
	ErrTypeConflict  = "Conflict"
	ErrTypeForbidden = "Forbidden"
)

// classify turns a domain error into a Temporal application error: kinds a
// retry cannot fix become non-retryable with a stable type name; everything
// else (unavailable stores, network trouble, unknown failures) stays
// retryable.
func classify(err error) error {
	if err == nil {
		return nil
	}
	switch domain.KindOf(err) {
	case domain.KindInvalid:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	case domain.KindNotFound:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	case domain.KindConflict:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeConflict, err)
	case domain.KindForbidden, domain.KindUnauthorized:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeForbidden, err)
	default:
		return err
	}
}

// Error types of activity failures that are not Proxmox or domain kinds.
const (
	// ErrTypeSlotBusy: every clone slot of the node or storage is taken; retry later.
	ErrTypeSlotBusy = "SlotBusy"
	// ErrTypeSnapshotMissing: the VM has no labforge-baseline snapshot to roll back to.
	ErrTypeSnapshotMissing = "SnapshotMissing"
	// ErrTypeNoCapacity: no online node has room for the VM; retry after the next inventory sync.
	ErrTypeNoCapacity = "NoCapacity"
)

// classifyPVE turns a Proxmox client error into a Temporal application
// error whose type is the proxmox.Kind name: Locked, Transient, NodeDown
// and AgentNotReady stay retryable; Invalid, NotFound, AlreadyExists,
// Unauthorized, Conflict and TaskFailed are non-retryable. Errors that do
// not come from the client (store errors, ...) go through classify, which
// is where it differs from inventory.go's classifyProxmox.
func classifyPVE(err error) error {
	if err == nil {
		return nil
	}
	kind := proxmox.KindOf(err)
	switch {
	case kind == proxmox.Unknown:
		return classify(err)
	case kind.Retryable():
		return temporal.NewApplicationErrorWithCause(err.Error(), string(kind), err)
	default:
		return temporal.NewNonRetryableApplicationError(err.Error(), string(kind), err)
	}
}
