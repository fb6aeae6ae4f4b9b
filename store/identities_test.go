package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

// TestProvisionUser covers the accounts a sign-in makes: created, updated
// with roles and mapped groups, kept disabled, never a local account's
// name, linked by e-mail only when allowed, and a linked local account
// left as it is.
func TestProvisionUser(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	policy := domain.SignInPolicy{Roles: domain.GroupMap{}, Groups: domain.GroupMap{}}
	policy.Roles.Add("staff", domain.RoleInstructor)
	policy.Groups.Add("staff", "Staff")
	policy.Groups.Add("class-a", "Class A")
	kept := &domain.Group{Name: "Hand-made"}
	require.NoError(t, db.CreateGroup(ctx, kept))
	id := domain.ExternalIdentity{Source: domain.AuthOIDC, Provider: "oidc:sso", Subject: "s-1", Username: "kim",
		Email: "kim@example.org", DisplayName: "Kim", Groups: []string{"STAFF"}}

	u, err := db.ProvisionUser(ctx, policy.Provisioning(id))
	require.NoError(t, err)
	require.Equal(t, []string{domain.RoleInstructor}, u.Roles)
	require.NoError(t, db.AddGroupMember(ctx, kept.ID, u.ID))
	staff := groupNamed(t, db, "Staff")
	require.Contains(t, staff.MemberIDs, u.ID)

	u.Disabled = true
	require.NoError(t, db.UpdateUser(ctx, u))
	id.Email, id.Groups = "kim.new@example.org", []string{"class-a"}
	again, err := db.ProvisionUser(ctx, policy.Provisioning(id))
	require.NoError(t, err)
	require.Equal(t, u.ID, again.ID)
	require.True(t, again.Disabled, "a disabled user stays disabled")
	require.Equal(t, "kim.new@example.org", again.Email)
	require.Equal(t, []string{domain.RoleParticipant}, again.Roles)
	require.NotContains(t, groupNamed(t, db, "Staff").MemberIDs, u.ID)
	require.Contains(t, groupNamed(t, db, "Class A").MemberIDs, u.ID)
	require.Contains(t, groupNamed(t, db, "Hand-made").MemberIDs, u.ID, "unmapped memberships stay")

	local := &domain.User{Username: "lee", Email: "lee@example.org", Source: domain.AuthLocal, Roles: []string{domain.RoleAdmin}}
	require.NoError(t, db.CreateUser(ctx, local))
	clash := domain.ExternalIdentity{Source: domain.AuthLDAP, Provider: "ldap", Subject: "lee", Username: "lee", Email: "lee@directory.example.org"}
	_, err = db.ProvisionUser(ctx, policy.Provisioning(clash))
	require.Equal(t, domain.KindConflict, domain.KindOf(err))
	require.ErrorContains(t, err, `the username "lee" belongs to a local Labforge account`)

	other := domain.ExternalIdentity{Source: domain.AuthOIDC, Provider: "oidc:sso", Subject: "s-2", Username: "lee2",
		Email: "LEE@example.org", DisplayName: "Lee", EmailVerified: true}
	_, err = db.ProvisionUser(ctx, policy.Provisioning(other))
	require.Equal(t, domain.KindConflict, domain.KindOf(err), "linking is off: %v", err)
	require.ErrorContains(t, err, "belongs to another Labforge account")

	policy.LinkByEmail = true
	other.EmailVerified = false
	_, err = db.ProvisionUser(ctx, policy.Provisioning(other))
	require.Equal(t, domain.KindConflict, domain.KindOf(err), "an unverified address does not link: %v", err)

	other.EmailVerified, other.Groups = true, []string{"staff"}
	linked, err := db.ProvisionUser(ctx, policy.Provisioning(other))
	require.NoError(t, err)
	require.Equal(t, local.ID, linked.ID)
	other.DisplayName = "Changed"
	linked, err = db.ProvisionUser(ctx, policy.Provisioning(other))
	require.NoError(t, err)
	require.Equal(t, local.ID, linked.ID)
	require.Equal(t, domain.AuthLocal, linked.Source)
	require.Equal(t, []string{domain.RoleAdmin}, linked.Roles, "a linked local account keeps its roles")
	require.Empty(t, linked.DisplayName)
}

func groupNamed(t *testing.T, db interface {
	ListGroups(ctx context.Context, page domain.Page) ([]domain.Group, string, error)
}, name string) domain.Group {
	t.Helper()
	groups, _, err := db.ListGroups(testContext(t), domain.Page{Limit: 100})
	require.NoError(t, err)
	for _, g := range groups {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no group %q", name)
	return domain.Group{}
}
