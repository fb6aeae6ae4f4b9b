package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
	"github.com/labforge/labforge/store/storetest"
)

func TestInvitationAcceptedOnce(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	admin := &domain.User{Username: "root", Email: "root@example.org", Source: domain.AuthLocal, Roles: []string{"admin"}}
	require.NoError(t, db.CreateUser(ctx, admin))

	token, hash := auth.NewLinkToken()
	inv := &domain.Invitation{Email: "Ada@example.org", DisplayName: "Ada", Roles: []string{"instructor"},
		InvitedBy: &admin.ID, ExpiresAt: time.Now().Add(domain.InvitationTTL)}
	require.NoError(t, db.CreateInvitation(ctx, inv, hash))
	require.NotZero(t, inv.ID)
	require.Equal(t, domain.InvitationPending, inv.Status)

	list, next, err := db.ListInvitations(ctx, domain.Page{})
	require.NoError(t, err)
	require.Empty(t, next)
	require.Len(t, list, 1)
	require.Equal(t, inv.ID, list[0].ID)
	require.Equal(t, []string{"instructor"}, list[0].Roles)

	u := &domain.User{Username: "ada", PasswordHash: "hash"}
	accepted, err := db.AcceptInvitation(ctx, auth.HashLinkToken(token), u)
	require.NoError(t, err)
	require.Equal(t, domain.InvitationAccepted, accepted.Status)
	require.Equal(t, u.ID, *accepted.UserID)
	got, err := db.FindUserByUsername(ctx, "ada")
	require.NoError(t, err)
	require.Equal(t, "Ada@example.org", got.Email)
	require.Equal(t, "Ada", got.DisplayName)
	require.Equal(t, []string{"instructor"}, got.Roles)
	require.Equal(t, domain.AuthLocal, got.Source)
	require.Equal(t, "hash", got.PasswordHash)

	_, err = db.AcceptInvitation(ctx, auth.HashLinkToken(token), &domain.User{Username: "ada2", PasswordHash: "hash"})
	requireKind(t, err, domain.KindNotFound, "this invitation link is not valid: it is unknown, used, revoked or expired")
	_, err = db.RevokeInvitation(ctx, inv.ID)
	requireKind(t, err, domain.KindConflict, "invitation "+inv.ID.String()+" was accepted already; disable or delete the user instead")

	_, hash2 := auth.NewLinkToken()
	err = db.CreateInvitation(ctx, &domain.Invitation{Email: "ADA@example.org", Roles: []string{"participant"}, ExpiresAt: time.Now().Add(time.Hour)}, hash2)
	requireKind(t, err, domain.KindConflict, `an account with e-mail address "ADA@example.org" exists already`)
	err = db.CreateInvitation(ctx, &domain.Invitation{Email: "bob@example.org", Roles: []string{"wizard"}, ExpiresAt: time.Now().Add(time.Hour)}, hash2)
	require.True(t, domain.IsKind(err, domain.KindInvalid), "%v", err)
	require.Contains(t, err.Error(), `role "wizard" does not exist`)
}

func TestInvitationRevokedOrExpired(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	token, hash := auth.NewLinkToken()
	inv := &domain.Invitation{Email: "bob@example.org", Roles: []string{"participant"}, ExpiresAt: time.Now().Add(time.Hour)}
	require.NoError(t, db.CreateInvitation(ctx, inv, hash))
	revoked, err := db.RevokeInvitation(ctx, inv.ID)
	require.NoError(t, err)
	require.Equal(t, domain.InvitationRevoked, revoked.Status)
	_, err = db.AcceptInvitation(ctx, auth.HashLinkToken(token), &domain.User{Username: "bob", PasswordHash: "h"})
	require.True(t, domain.IsKind(err, domain.KindNotFound), "%v", err)

	old, oldHash := auth.NewLinkToken()
	require.NoError(t, db.CreateInvitation(ctx, &domain.Invitation{Email: "carol@example.org", Roles: []string{"participant"},
		ExpiresAt: time.Now().Add(-time.Second)}, oldHash))
	_, err = db.AcceptInvitation(ctx, auth.HashLinkToken(old), &domain.User{Username: "carol", PasswordHash: "h"})
	require.True(t, domain.IsKind(err, domain.KindNotFound), "%v", err)
	_, err = db.FindUserByUsername(ctx, "carol")
	require.True(t, domain.IsKind(err, domain.KindNotFound), "no account from an expired invitation")

	list, _, err := db.ListInvitations(ctx, domain.Page{})
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, domain.InvitationExpired, list[0].Status, "newest first")
	require.Equal(t, domain.InvitationRevoked, list[1].Status)
}

func TestPasswordResetUsesUpEveryLink(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	u := &domain.User{Username: "dora", Email: "dora@example.org", Source: domain.AuthLocal, Roles: []string{"participant"}, PasswordHash: "old"}
	require.NoError(t, db.CreateUser(ctx, u))
	ldap := &domain.User{Username: "lena", Email: "lena@example.org", Source: domain.AuthLDAP, Roles: []string{"participant"}}
	require.NoError(t, db.CreateUser(ctx, ldap))

	_, h := auth.NewLinkToken()
	_, err := db.CreatePasswordReset(ctx, "lena@example.org", h, time.Now().Add(time.Hour))
	require.True(t, domain.IsKind(err, domain.KindNotFound), "no reset for an LDAP account: %v", err)
	_, err = db.CreatePasswordReset(ctx, "nobody@example.org", h, time.Now().Add(time.Hour))
	require.True(t, domain.IsKind(err, domain.KindNotFound), "%v", err)

	first, h1 := auth.NewLinkToken()
	second, h2 := auth.NewLinkToken()
	got, err := db.CreatePasswordReset(ctx, "DORA@example.org", h1, time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, u.ID, got.ID)
	_, err = db.CreatePasswordReset(ctx, "dora@example.org", h2, time.Now().Add(time.Hour))
	require.NoError(t, err)

	done, err := db.ResetPassword(ctx, auth.HashLinkToken(second), "new")
	require.NoError(t, err)
	require.Equal(t, u.ID, done.ID)
	require.Equal(t, "new", done.PasswordHash)
	_, err = db.ResetPassword(ctx, auth.HashLinkToken(second), "again")
	requireKind(t, err, domain.KindNotFound, "this password reset link is not valid: it is unknown, used, revoked or expired")
	_, err = db.ResetPassword(ctx, auth.HashLinkToken(first), "again")
	require.True(t, domain.IsKind(err, domain.KindNotFound), "a reset uses up the account's other links: %v", err)

	expired, h3 := auth.NewLinkToken()
	_, err = db.CreatePasswordReset(ctx, "dora@example.org", h3, time.Now().Add(-time.Second))
	require.NoError(t, err)
	_, err = db.ResetPassword(ctx, auth.HashLinkToken(expired), "late")
	require.True(t, domain.IsKind(err, domain.KindNotFound), "%v", err)
	again, err := db.FindUserByID(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "new", again.PasswordHash)
}
