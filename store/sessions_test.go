package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func newSession(t *testing.T, u *domain.User) *domain.Session {
	t.Helper()
	return &domain.Session{TokenHash: []byte(unique("hash")), UserID: u.ID, CSRFToken: unique("csrf"), Method: "local",
		ClientIP: "127.0.0.1", UserAgent: "test", IdleTimeout: 2 * time.Hour, ExpiresAt: time.Now().Add(12 * time.Hour)}
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	u := newUser(ctx, t, db)

	s := newSession(t, u)
	require.NoError(t, db.CreateSession(ctx, s))
	got, err := db.FindSession(ctx, s.TokenHash)
	require.NoError(t, err)
	require.Equal(t, u.ID, got.UserID)
	require.Equal(t, s.CSRFToken, got.CSRFToken)
	require.Equal(t, 2*time.Hour, got.IdleTimeout)
	require.Empty(t, got.Ended(time.Now()))
	require.Contains(t, got.Ended(time.Now().Add(3*time.Hour)), "inactivity")
	require.Contains(t, got.Ended(time.Now().Add(13*time.Hour)), "maximum length")

	require.NoError(t, db.TouchSession(ctx, s.TokenHash))
	require.NoError(t, db.RevokeSession(ctx, s.TokenHash))
	require.NoError(t, db.RevokeSession(ctx, s.TokenHash))
	got, err = db.FindSession(ctx, s.TokenHash)
	require.NoError(t, err)
	require.Contains(t, got.Ended(time.Now()), "ended")

	_, err = db.FindSession(ctx, []byte("no such session"))
	requireKind(t, err, domain.KindNotFound, "")
}

// Disabling a user, changing their password or changing their roles
// revokes every session of theirs and raises their token version; other
// changes (e-mail, display name, an unchanged role set) do neither.
func TestCredentialChangesRevokeSessionsAndTokens(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	cases := []struct {
		name   string
		change func(u *domain.User)
		revoke bool
	}{
		{"display name", func(u *domain.User) { u.DisplayName = "Someone Else" }, false},
		{"same roles", func(u *domain.User) { u.Roles = append([]string(nil), u.Roles...) }, false},
		{"enable", func(u *domain.User) { u.Disabled = false }, false},
		{"disable", func(u *domain.User) { u.Disabled = true }, true},
		{"password", func(u *domain.User) { u.PasswordHash = "another-hash" }, true},
		{"add role", func(u *domain.User) { u.Roles = append(u.Roles, domain.RoleAdmin) }, true},
		{"drop role", func(u *domain.User) { u.Roles = []string{domain.RoleParticipant} }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := newUser(ctx, t, db, domain.RoleParticipant, domain.RoleInstructor)
			if tc.name == "enable" { // start disabled, so that enabling is a change
				u.Disabled = true
				require.NoError(t, db.UpdateUser(ctx, u))
			}
			before := u.TokenVersion
			s := newSession(t, u)
			require.NoError(t, db.CreateSession(ctx, s))

			tc.change(u)
			require.NoError(t, db.UpdateUser(ctx, u))
			stored, err := db.FindUserByID(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, stored.TokenVersion, u.TokenVersion, "UpdateUser reads back the version")
			got, err := db.FindSession(ctx, s.TokenHash)
			require.NoError(t, err)
			if tc.revoke {
				require.Greater(t, u.TokenVersion, before)
				require.NotNil(t, got.RevokedAt)
			} else {
				require.Equal(t, before, u.TokenVersion)
				require.Nil(t, got.RevokedAt)
			}
		})
	}
}

func TestPasswordResetRevokesSessions(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	u := newUser(ctx, t, db)
	s := newSession(t, u)
	require.NoError(t, db.CreateSession(ctx, s))

	hash := []byte(unique("reset"))
	_, err := db.CreatePasswordReset(ctx, u.Email, hash, time.Now().Add(time.Hour))
	require.NoError(t, err)
	after, err := db.ResetPassword(ctx, hash, "new-hash")
	require.NoError(t, err)
	require.Greater(t, after.TokenVersion, u.TokenVersion)
	got, err := db.FindSession(ctx, s.TokenHash)
	require.NoError(t, err)
	require.NotNil(t, got.RevokedAt)
}
