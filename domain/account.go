package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// How long the links of the account e-mails are valid.
const (
	InvitationTTL    = 24 * time.Hour
	PasswordResetTTL = time.Hour
)

// InvitationStatus is where an invitation stands.
type InvitationStatus string

// Invitation statuses.
const (
	InvitationPending  InvitationStatus = "pending"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationRevoked  InvitationStatus = "revoked"
	InvitationExpired  InvitationStatus = "expired"
)

// Invitation asks someone, by e-mail address, to create a local account
// with the given roles. Its link carries a secret token that is kept only
// as a hash; the link works once, until ExpiresAt.
type Invitation struct {
	ID          uuid.UUID `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	Roles       []string  `json:"roles"`
	// InvitedBy is the administrator who sent it (nil once they are deleted).
	InvitedBy *uuid.UUID `json:"invited_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	// AcceptedAt and UserID are set once the account exists.
	AcceptedAt *time.Time       `json:"accepted_at"`
	UserID     *uuid.UUID       `json:"user_id"`
	RevokedAt  *time.Time       `json:"revoked_at"`
	Status     InvitationStatus `json:"status"`
}

// StatusAt returns the invitation's status at now.
func (inv *Invitation) StatusAt(now time.Time) InvitationStatus {
	switch {
	case inv.AcceptedAt != nil:
		return InvitationAccepted
	case inv.RevokedAt != nil:
		return InvitationRevoked
	case !now.Before(inv.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

// Validate checks the fields an administrator gives.
func (inv *Invitation) Validate() error {
	var v Validator
	v.Check(ValidEmail(inv.Email), "email", "must be an e-mail address such as ada@example.org")
	v.Check(inv.DisplayName == "" || ValidDisplayText(inv.DisplayName, 200), "display_name", "must be at most 200 printable characters")
	v.Check(len(inv.Roles) > 0, "roles", "must name at least one role")
	for _, r := range inv.Roles {
		v.Check(ValidSlug(r), "roles", "role names are lower-case letters, digits and hyphens")
	}
	return v.Err()
}

// AccountStore keeps invitations and password-reset links. Tokens are
// passed in as their SHA-256 hashes; the store never sees a token.
type AccountStore interface {
	// CreateInvitation stores inv (assigning ID and CreatedAt) under
	// tokenHash. It returns KindInvalid for an unknown role and
	// KindConflict when an account with the e-mail address exists.
	CreateInvitation(ctx context.Context, inv *Invitation, tokenHash []byte) error
	// ListInvitations returns invitations newest first, and the cursor of
	// the next page ("" at the end).
	ListInvitations(ctx context.Context, page Page) ([]Invitation, string, error)
	// RevokeInvitation marks a pending invitation revoked and returns it.
	// It returns KindNotFound, or KindConflict when it was accepted already.
	RevokeInvitation(ctx context.Context, id uuid.UUID) (*Invitation, error)
	// AcceptInvitation creates u (a local account with the invitation's
	// e-mail address and roles, which it fills in) and marks the
	// invitation accepted, in one transaction. An unknown, used, revoked
	// or expired token is KindNotFound; a taken username or e-mail
	// address is KindConflict.
	AcceptInvitation(ctx context.Context, tokenHash []byte, u *User) (*Invitation, error)
	// CreatePasswordReset stores a reset link for the enabled local
	// account with the e-mail address, valid until expiresAt, and returns
	// the account. Without such an account it returns KindNotFound.
	CreatePasswordReset(ctx context.Context, email string, tokenHash []byte, expiresAt time.Time) (*User, error)
	// ResetPassword sets the password hash of the link's account and
	// uses up the link and every other open link of the account, in one
	// transaction, and returns the account. An unknown, used or expired
	// token (or a disabled account) is KindNotFound.
	ResetPassword(ctx context.Context, tokenHash []byte, passwordHash string) (*User, error)
}
