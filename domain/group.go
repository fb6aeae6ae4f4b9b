package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Group is a named set of users, for example a class.
type Group struct {
	ID          uuid.UUID   `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	MemberIDs   []uuid.UUID `json:"member_ids"`
	CreatedAt   time.Time   `json:"created_at"`
}

// Validate checks the group's fields.
func (g *Group) Validate() error {
	var v Validator
	v.Check(ValidDisplayText(g.Name, 100), "name", "must be 1-100 printable characters")
	v.Check(len(g.Description) <= 2000, "description", "must be at most 2000 characters")
	return v.Err()
}

// GroupStore keeps groups and their members.
type GroupStore interface {
	// CreateGroup stores g with its members, assigning ID and CreatedAt. It
	// returns KindInvalid for invalid fields or unknown members and
	// KindConflict when the name is taken.
	CreateGroup(ctx context.Context, g *Group) error
	// FindGroup returns the group with its members or KindNotFound.
	FindGroup(ctx context.Context, id uuid.UUID) (*Group, error)
	// ListGroups returns groups ordered by name, and the cursor of the next page.
	ListGroups(ctx context.Context, page Page) ([]Group, string, error)
	// UpdateGroup stores name, description and members (replacing them).
	// It returns KindNotFound, KindInvalid or KindConflict.
	UpdateGroup(ctx context.Context, g *Group) error
	// DeleteGroup deletes the group and its memberships. It returns
	// KindNotFound, or KindConflict while events use it.
	DeleteGroup(ctx context.Context, id uuid.UUID) error
	// AddGroupMember adds a user (twice is not an error). It returns
	// KindInvalid when the group or user does not exist.
	AddGroupMember(ctx context.Context, groupID, userID uuid.UUID) error
	// RemoveGroupMember removes a user; KindNotFound when not a member.
	RemoveGroupMember(ctx context.Context, groupID, userID uuid.UUID) error
}
