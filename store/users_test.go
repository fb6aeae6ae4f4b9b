package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestUserRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	u := &domain.User{Username: "ada", Email: "ada@example.org", DisplayName: "Ada Lovelace",
		Source: domain.AuthLocal, Roles: []string{"participant", "instructor", "participant"}, PasswordHash: "hash"}
	require.NoError(t, db.CreateUser(ctx, u))
	require.NotZero(t, u.ID)
	require.False(t, u.CreatedAt.IsZero())
	require.Equal(t, []string{"instructor", "participant"}, u.Roles, "roles are sorted and de-duplicated")

	got, err := db.FindUserByID(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, u.Username, got.Username)
	require.Equal(t, u.Email, got.Email)
	require.Equal(t, u.DisplayName, got.DisplayName)
	require.Equal(t, u.Source, got.Source)
	require.Equal(t, "hash", got.PasswordHash)
	require.Equal(t, []string{"instructor", "participant"}, got.Roles)
	require.True(t, u.CreatedAt.Equal(got.CreatedAt))

	byName, err := db.FindUserByUsername(ctx, "ada")
	require.NoError(t, err)
	require.Equal(t, u.ID, byName.ID)

	got.Roles = []string{"admin"}
	got.Disabled = true
	got.DisplayName = "Countess"
	require.NoError(t, db.UpdateUser(ctx, got))
	again, err := db.FindUserByID(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"admin"}, again.Roles)
	require.True(t, again.Disabled)
	require.Equal(t, "Countess", again.DisplayName)
	require.True(t, again.UpdatedAt.After(u.UpdatedAt) || again.UpdatedAt.Equal(u.UpdatedAt))

	require.NoError(t, db.DeleteUser(ctx, u.ID))
	_, err = db.FindUserByID(ctx, u.ID)
	requireKind(t, err, domain.KindNotFound, "user "+u.ID.String()+" not found")
	requireKind(t, db.DeleteUser(ctx, u.ID), domain.KindNotFound, "user "+u.ID.String()+" not found")
}

func TestUserErrors(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	newUserNamed := func(name, email string, roles ...string) *domain.User {
		return &domain.User{Username: name, Email: email, Source: domain.AuthLocal, Roles: roles}
	}
	require.NoError(t, db.CreateUser(ctx, newUserNamed("ada", "ada@example.org", "participant")))

	requireKind(t, db.CreateUser(ctx, newUserNamed("ada", "other@example.org", "participant")),
		domain.KindConflict, `username "ada" is already taken`)
	requireKind(t, db.CreateUser(ctx, newUserNamed("grace", "ADA@example.org", "participant")),
		domain.KindConflict, `e-mail address "ada@example.org" is already in use`)
	requireKind(t, db.CreateUser(ctx, newUserNamed("grace", "grace@example.org", "bogus")),
		domain.KindInvalid, `role "bogus" does not exist`)
	requireKind(t, db.CreateUser(ctx, newUserNamed("Bad Name", "x@example.org", "participant")),
		domain.KindInvalid, "the request has invalid fields")

	_, err := db.FindUserByUsername(ctx, "nobody")
	requireKind(t, err, domain.KindNotFound, `user "nobody" not found`)
	ghost := newUserNamed("ghost", "ghost@example.org", "participant")
	ghost.ID = id()
	requireKind(t, db.UpdateUser(ctx, ghost), domain.KindNotFound, "user "+ghost.ID.String()+" not found")

	_, err = db.FindUserByUsername(ctx, "grace")
	requireKind(t, err, domain.KindNotFound, "")
}

func TestDeleteUserWhoOwnsVMsIsConflict(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)
	newVM(ctx, t, db, owner, tpl)

	requireKind(t, db.DeleteUser(ctx, owner.ID), domain.KindConflict, "user "+owner.ID.String()+" still owns VMs")
}

func TestListUsersPagesByUsername(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	for _, name := range []string{"eve", "bob", "dan", "ann", "cat"} {
		require.NoError(t, db.CreateUser(ctx, &domain.User{Username: name, Email: name + "@example.org",
			Source: domain.AuthLDAP, Roles: []string{"participant"}}))
	}
	var names []string
	cursor := ""
	for range 10 {
		page, next, err := db.ListUsers(ctx, domain.Page{Limit: 2, Cursor: cursor})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		for _, u := range page {
			names = append(names, u.Username)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []string{"ann", "bob", "cat", "dan", "eve"}, names)

	_, _, err := db.ListUsers(ctx, domain.Page{Cursor: "not a cursor"})
	requireKind(t, err, domain.KindInvalid, "the request has invalid fields")
}

func TestCountUsersWithRoleCountsEnabledUsers(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	newUser(ctx, t, db, domain.RoleAdmin)
	disabled := newUser(ctx, t, db, domain.RoleAdmin, domain.RoleInstructor)
	disabled.Disabled = true
	require.NoError(t, db.UpdateUser(ctx, disabled))
	newUser(ctx, t, db, domain.RoleParticipant)

	n, err := db.CountUsersWithRole(ctx, domain.RoleAdmin)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = db.CountUsersWithRole(ctx, domain.RoleInstructor)
	require.NoError(t, err)
	require.Equal(t, 0, n)
}
