package domain

import (
	"context"

	"github.com/google/uuid"
)

// Page asks for one page of a list. Cursor is opaque: pass back the
// NextCursor of the previous page, or "" for the first page.
type Page struct {
	Limit  int
	Cursor string
}

// DefaultPageLimit and MaxPageLimit bound every list.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// Normalize fills in the default limit and caps it at the maximum.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultPageLimit
	}
	if p.Limit > MaxPageLimit {
		p.Limit = MaxPageLimit
	}
	return p
}

// UserStore keeps users and their role memberships.
type UserStore interface {
	// CreateUser stores u, assigning ID and timestamps. It returns
	// KindConflict when the username or e-mail is taken and KindInvalid when
	// a role does not exist.
	CreateUser(ctx context.Context, u *User) error
	// FindUserByID returns the user or an error of KindNotFound.
	FindUserByID(ctx context.Context, id uuid.UUID) (*User, error)
	// FindUserByUsername returns the user or an error of KindNotFound.
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// ListUsers returns users ordered by username, and the cursor of the next page ("" at the end).
	ListUsers(ctx context.Context, page Page) ([]User, string, error)
	// UpdateUser stores every field of u (roles included) and refreshes
	// UpdatedAt. It returns KindNotFound or KindConflict.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user, their roles, group memberships and
	// personal permissions. It returns KindNotFound, or KindConflict while
	// the user still owns environments, events, VMs or containers.
	DeleteUser(ctx context.Context, id uuid.UUID) error
	// CountUsersWithRole counts enabled users holding the role.
	CountUsersWithRole(ctx context.Context, role string) (int, error)
}

// PermissionStore keeps roles and object permissions.
type PermissionStore interface {
	// GrantPermission stores p (idempotent: granting an existing permission
	// returns the stored one's ID in p.ID).
	GrantPermission(ctx context.Context, p *Permission) error
	// RevokePermission deletes a permission by id; KindNotFound if absent.
	RevokePermission(ctx context.Context, id uuid.UUID) error
	// PermissionsFor returns every permission held by s (directly or through
	// its roles) that could cover obj: on obj itself, on its whole type, or on
	// every type. Feed the result to Authorize.
	PermissionsFor(ctx context.Context, s Subject, obj ObjectRef) ([]Permission, error)
	// ListRoles returns every role.
	ListRoles(ctx context.Context) ([]Role, error)
}

// OperationFilter narrows ListOperations. Zero fields match everything.
type OperationFilter struct {
	State OperationState
	// Unfinished keeps only operations in a non-terminal state.
	Unfinished  bool
	Kind        string
	TargetType  string
	TargetID    string
	RequestedBy *uuid.UUID
	Page        Page
}

// OperationStore keeps the record of every long-running operation.
type OperationStore interface {
	// CreateOperation stores op, assigning ID (unless set) and timestamps.
	// It returns KindConflict if an unfinished operation already uses op.WorkflowID.
	CreateOperation(ctx context.Context, op *Operation) error
	// FindOperation returns the operation or KindNotFound.
	FindOperation(ctx context.Context, id uuid.UUID) (*Operation, error)
	// FindOperationByWorkflowID returns the newest operation of the workflow or KindNotFound.
	FindOperationByWorkflowID(ctx context.Context, workflowID string) (*Operation, error)
	// UpdateOperationProgress stores state, step, error, result and run id
	// (an empty RunID keeps the stored one), refreshing UpdatedAt and setting
	// CompletedAt on terminal states. It returns KindNotFound, or
	// KindConflict when reopening the operation would give its workflow two
	// unfinished ones.
	UpdateOperationProgress(ctx context.Context, op *Operation) error
	// ListOperations returns operations newest first.
	ListOperations(ctx context.Context, f OperationFilter) ([]Operation, string, error)
}

// AuditLog is the append-only record of every mutation.
type AuditLog interface {
	// RecordAudit appends rec, assigning ID and, if zero, Time.
	RecordAudit(ctx context.Context, rec *AuditRecord) error
}
