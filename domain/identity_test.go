package domain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

func TestSignInPolicyProvisioning(t *testing.T) {
	t.Parallel()
	p := domain.SignInPolicy{Roles: domain.GroupMap{}, Groups: domain.GroupMap{}, LinkByEmail: true}
	p.Roles.Add("CN=Staff,DC=example,DC=org", domain.RoleInstructor)
	p.Roles.Add("cn=staff,dc=example,dc=org", domain.RoleInstructor)
	p.Roles.Add("cn=it,dc=example,dc=org", domain.RoleAdmin)
	p.Groups.Add("cn=staff,dc=example,dc=org", "Staff")
	p.Groups.Add("cn=class-a,dc=example,dc=org", "Class A")

	got := p.Provisioning(domain.ExternalIdentity{Groups: []string{" cn=IT,dc=example,dc=org", "cn=Staff,dc=example,dc=org"}, EmailVerified: true})
	require.Equal(t, []string{domain.RoleAdmin, domain.RoleInstructor}, got.Roles)
	require.Equal(t, []string{"Staff"}, got.Groups)
	require.Equal(t, []string{"Class A", "Staff"}, got.ManagedGroups)
	require.True(t, got.LinkByEmail)

	got = p.Provisioning(domain.ExternalIdentity{Groups: []string{"cn=other"}})
	require.Equal(t, []string{domain.RoleParticipant}, got.Roles, "no mapped group: participant")
	require.Empty(t, got.Groups)
	require.False(t, got.LinkByEmail, "an unverified address never links")
}
