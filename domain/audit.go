package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// AuditRecord says who did what to which object, from where, with the
// object's state before and after. Records are append-only.
type AuditRecord struct {
	ID         string         `json:"id"`
	Time       time.Time      `json:"time"`
	ActorID    uuid.UUID      `json:"actor_id"`
	ActorName  string         `json:"actor_name"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type"`
	ObjectID   string         `json:"object_id"`
	Before     map[string]any `json:"before,omitempty"`
	After      map[string]any `json:"after,omitempty"`
	RequestID  string         `json:"request_id"`
	ClientIP   string         `json:"client_ip"`
}

// ActivityEntry is a user-facing line in someone's activity feed, such as
// "your VM web-1 is ready".
type ActivityEntry struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	UserID     uuid.UUID `json:"user_id"`
	Message    string    `json:"message"`
	ObjectType string    `json:"object_type,omitempty"`
	ObjectID   string    `json:"object_id,omitempty"`
}

// Severity of a system event.
type Severity string

// Severities.
const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// SystemEvent is something the platform itself noticed: drift between
// Labforge and Proxmox, a node going offline, a workflow awaiting an operator.
type SystemEvent struct {
	ID         string         `json:"id"`
	Time       time.Time      `json:"time"`
	Severity   Severity       `json:"severity"`
	Kind       string         `json:"kind"`
	Message    string         `json:"message"`
	ObjectType string         `json:"object_type,omitempty"`
	ObjectID   string         `json:"object_id,omitempty"`
	Details    map[string]any `json:"details,omitempty"`
}

// AuditLog is the append-only record of every mutation (MongoDB). The API
// writes to it only through the AuditOutbox and its relay.
type AuditLog interface {
	// RecordAudit appends rec, assigning ID and, if zero, Time. A rec.ID
	// already stored is not appended twice.
	RecordAudit(ctx context.Context, rec *AuditRecord) error
	// ListAudit returns the records matching f newest first, and the
	// cursor of the next page ("" at the end). A bad cursor is
	// KindInvalid on the field "cursor".
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditRecord, string, error)
}

// AuditFilter narrows ListAudit. Zero fields match everything; Since is
// inclusive and Until exclusive.
type AuditFilter struct {
	ObjectType string
	ObjectID   string
	ActorID    *uuid.UUID
	// ActorName matches the username the actor had when acting.
	ActorName string
	Action    string
	Since     time.Time
	Until     time.Time
	Page      Page
}

// AuditOutbox takes audit records in the PostgreSQL transaction of the
// change they describe (store.DB, table audit_outbox), so that a record
// commits exactly when its change does; a relay then copies the records to
// the AuditLog, however long MongoDB is down.
type AuditOutbox interface {
	// Audited runs change in one PostgreSQL transaction and appends the
	// record change returns to the outbox in that same transaction. Store
	// calls change makes with the context it receives take part in the
	// transaction; change must make them one at a time, and must not keep
	// that context once it returns. When change fails nothing is kept and
	// its error is returned unchanged; a nil record appends nothing.
	// Audited assigns rec.ID (a UUIDv7) when empty and rec.Time when zero,
	// rounding it to the millisecond in UTC.
	Audited(ctx context.Context, change func(ctx context.Context) (*AuditRecord, error)) error
}

// SystemEventFilter narrows ListSystemEvents. Zero fields match everything.
type SystemEventFilter struct {
	Kind       string
	Severity   Severity
	ObjectType string
	ObjectID   string
	Page       Page
}

// SystemEventLog is where the platform writes and reads what it noticed.
type SystemEventLog interface {
	// AddSystemEvent appends ev, assigning Time when zero and ID when
	// empty. An ev.ID already stored is not added twice, so a retried
	// activity that gives its events stable IDs records each once.
	AddSystemEvent(ctx context.Context, ev *SystemEvent) error
	// ListSystemEvents returns events matching f newest first, and the
	// cursor of the next page ("" at the end). A bad cursor is KindInvalid.
	ListSystemEvents(ctx context.Context, f SystemEventFilter) ([]SystemEvent, string, error)
}
