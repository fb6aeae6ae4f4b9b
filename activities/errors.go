package activities

import (
	"errors"
	"log/slog"

	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// Error types of activity and workflow failures: the stable names
// workflows switch on (never on message text) and operators see in the
// Temporal Web UI. They never change once released. Proxmox client errors
// carry their proxmox.Kind name instead (Locked, Transient, NodeDown,
// AgentNotReady, Invalid, NotFound, AlreadyExists, Unauthorized,
// Conflict, TaskFailed).
const (
	// ErrTypeInvalid, ErrTypeNotFound, ErrTypeConflict and ErrTypeForbidden
	// are the domain error kinds a retry cannot fix (non-retryable).
	ErrTypeInvalid   = "Invalid"
	ErrTypeNotFound  = "NotFound"
	ErrTypeConflict  = "Conflict"
	ErrTypeForbidden = "Forbidden"
	// ErrTypeSlotBusy: every clone slot of the node or storage is taken; retry later.
	ErrTypeSlotBusy = "SlotBusy"
	// ErrTypeSnapshotMissing: the VM has no labforge-baseline snapshot to roll back to.
	ErrTypeSnapshotMissing = "SnapshotMissing"
	// ErrTypeNoCapacity: no online node has room for the VM; retry after the next inventory sync.
	ErrTypeNoCapacity = "NoCapacity"
	// ErrTypeClusterUnreachable: no node of a cluster answered GET
	// /cluster/resources during inventory sync or reconciliation.
	ErrTypeClusterUnreachable = "ClusterUnreachable"
	// ErrTypeNotProvisioned: the VM has no guest in Proxmox yet (or any more).
	ErrTypeNotProvisioned = "NotProvisioned"
	// ErrTypeAborted: an operator aborted the operation (workflows' operator signal).
	ErrTypeAborted = "Aborted"
	// ErrTypeGatewayRejected: nginx -t, dnsmasq --test or a reload rejected
	// a site's gateway configuration; the previous one was restored. The
	// message (and the details: tool, step, output) carry the tool's words.
	ErrTypeGatewayRejected = "GatewayRejected"
	// ErrTypeGatewayNotApplied: a site gateway apply that was to include a
	// container's change failed, or did not happen in time.
	ErrTypeGatewayNotApplied = "GatewayNotApplied"
	// ErrTypeAddressMismatch: a container leased an address other than its
	// reserved one (its DHCP reservation was not live at its start).
	ErrTypeAddressMismatch = "AddressMismatch"
	// ErrTypeGuestMissing: Proxmox no longer has a guest Labforge placed.
	ErrTypeGuestMissing = "GuestMissing"
	// ErrTypeEmailTemporary: the SMTP server answered 4xx or could not be
	// reached; the e-mail stays queued and is retried.
	ErrTypeEmailTemporary = "EmailTemporary"
	// ErrTypeEmailFailed: the e-mail was refused for good (SMTP 5xx, login
	// refused, bad address) or its retries ran out; the log says failed.
	ErrTypeEmailFailed = "EmailFailed"
)

// HasErrorType reports whether err is, or wraps, an application error of
// the given type.
func HasErrorType(err error, typ string) bool {
	var ae *temporal.ApplicationError
	return errors.As(err, &ae) && ae.Type() == typ
}

// classify turns a domain error into a Temporal application error: kinds a
// retry cannot fix become non-retryable with a stable type name; a
// placement without room is the retryable NoCapacity; everything else
// (unavailable stores, network trouble, unknown failures) stays retryable.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, domain.ErrNoCapacity) {
		return temporal.NewApplicationErrorWithCause(domainMessage(err), ErrTypeNoCapacity, err)
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

// domainMessage is a domain error's message without its cause.
func domainMessage(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

// classifyPVE turns a Proxmox client error into a Temporal application
// error whose type is the proxmox.Kind name: Locked, Transient, NodeDown
// and AgentNotReady stay retryable; Invalid, NotFound, AlreadyExists,
// Unauthorized, Conflict and TaskFailed are non-retryable. Errors that do
// not come from the client (store errors, ...) go through classify.
func classifyPVE(err error) error {
	kind := proxmox.KindOf(err)
	return classifyClient(err, string(kind), kind != proxmox.Unknown, kind.Retryable())
}

// logger returns l, or a logger that drops everything when l is nil.
func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
