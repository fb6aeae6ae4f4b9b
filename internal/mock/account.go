package mock

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// AccountStore is a domain.AccountStore whose methods call the matching Fn field.
type AccountStore struct {
	CreateInvitationFn    func(ctx context.Context, inv *domain.Invitation, tokenHash []byte) error
	ListInvitationsFn     func(ctx context.Context, page domain.Page) ([]domain.Invitation, string, error)
	RevokeInvitationFn    func(ctx context.Context, id uuid.UUID) (*domain.Invitation, error)
	AcceptInvitationFn    func(ctx context.Context, tokenHash []byte, u *domain.User) (*domain.Invitation, error)
	CreatePasswordResetFn func(ctx context.Context, email string, tokenHash []byte, expiresAt time.Time) (*domain.User, error)
	ResetPasswordFn       func(ctx context.Context, tokenHash []byte, passwordHash string) (*domain.User, error)
}

var _ domain.AccountStore = (*AccountStore)(nil)

// CreateInvitation calls CreateInvitationFn.
func (s *AccountStore) CreateInvitation(ctx context.Context, inv *domain.Invitation, tokenHash []byte) error {
	if s.CreateInvitationFn == nil {
		unexpected("AccountStore.CreateInvitation")
	}
	return s.CreateInvitationFn(ctx, inv, tokenHash)
}

// ListInvitations calls ListInvitationsFn.
func (s *AccountStore) ListInvitations(ctx context.Context, page domain.Page) ([]domain.Invitation, string, error) {
	if s.ListInvitationsFn == nil {
		unexpected("AccountStore.ListInvitations")
	}
	return s.ListInvitationsFn(ctx, page)
}

// RevokeInvitation calls RevokeInvitationFn.
func (s *AccountStore) RevokeInvitation(ctx context.Context, id uuid.UUID) (*domain.Invitation, error) {
	if s.RevokeInvitationFn == nil {
		unexpected("AccountStore.RevokeInvitation")
	}
	return s.RevokeInvitationFn(ctx, id)
}

// AcceptInvitation calls AcceptInvitationFn.
func (s *AccountStore) AcceptInvitation(ctx context.Context, tokenHash []byte, u *domain.User) (*domain.Invitation, error) {
	if s.AcceptInvitationFn == nil {
		unexpected("AccountStore.AcceptInvitation")
	}
	return s.AcceptInvitationFn(ctx, tokenHash, u)
}

// CreatePasswordReset calls CreatePasswordResetFn.
func (s *AccountStore) CreatePasswordReset(ctx context.Context, email string, tokenHash []byte, expiresAt time.Time) (*domain.User, error) {
	if s.CreatePasswordResetFn == nil {
		unexpected("AccountStore.CreatePasswordReset")
	}
	return s.CreatePasswordResetFn(ctx, email, tokenHash, expiresAt)
}

// ResetPassword calls ResetPasswordFn.
func (s *AccountStore) ResetPassword(ctx context.Context, tokenHash []byte, passwordHash string) (*domain.User, error) {
	if s.ResetPasswordFn == nil {
		unexpected("AccountStore.ResetPassword")
	}
	return s.ResetPasswordFn(ctx, tokenHash, passwordHash)
}
