package domain

import (
	"context"
	"slices"
	"strings"
)

// ExternalIdentity is a person as a directory (LDAP) or an identity
// provider (OIDC) vouches for them at sign-in.
type ExternalIdentity struct {
	// Source is AuthLDAP or AuthOIDC: the source of a user created for it.
	Source AuthSource
	// Provider names where the identity lives: "ldap" or "oidc:<id>".
	Provider string
	// Subject is the identity's stable key within Provider.
	Subject     string
	Username    string
	Email       string
	DisplayName string
	// EmailVerified is the provider's word that Email belongs to the
	// person (OIDC's email_verified); only a verified address may link
	// the identity to an existing account.
	EmailVerified bool
	// Groups are the external groups the identity belongs to: LDAP group
	// DNs or the values of the OIDC groups claim.
	Groups []string
}

// GroupMap maps external group names (compared case-insensitively) to
// Labforge names: role names or Labforge group names.
type GroupMap map[string][]string

// Add maps the external group to target as well as to what it maps to.
func (m GroupMap) Add(external, target string) {
	key := strings.ToLower(strings.TrimSpace(external))
	if !slices.Contains(m[key], target) {
		m[key] = append(m[key], target)
	}
}

// Map returns the sorted targets of the external groups.
func (m GroupMap) Map(external []string) []string {
	var out []string
	for _, g := range external {
		out = append(out, m[strings.ToLower(strings.TrimSpace(g))]...)
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

// Targets returns every target the map names, sorted.
func (m GroupMap) Targets() []string {
	var out []string
	for _, ts := range m {
		out = append(out, ts...)
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

// SignInPolicy says how the identities of one provider become Labforge
// accounts.
type SignInPolicy struct {
	// Roles maps external groups to roles; an identity in no mapped
	// group gets RoleParticipant.
	Roles GroupMap
	// Groups maps external groups to Labforge groups (by name).
	Groups GroupMap
	// LinkByEmail lets an identity with a verified e-mail address sign in
	// as the existing account with that address.
	LinkByEmail bool
}

// Provisioning returns what signing in id under the policy stores.
func (p SignInPolicy) Provisioning(id ExternalIdentity) *Provisioning {
	roles := p.Roles.Map(id.Groups)
	if len(roles) == 0 {
		roles = []string{RoleParticipant}
	}
	return &Provisioning{Identity: id, Roles: roles, Groups: p.Groups.Map(id.Groups),
		ManagedGroups: p.Groups.Targets(), LinkByEmail: p.LinkByEmail && id.EmailVerified}
}

// Provisioning is one sign-in's change to the accounts: the user of an
// external identity with the roles and group memberships its groups map to.
type Provisioning struct {
	Identity ExternalIdentity
	// Roles replace the user's roles.
	Roles []string
	// Groups are the Labforge groups the user belongs to among
	// ManagedGroups; groups missing from Labforge are created.
	Groups []string
	// ManagedGroups are the groups whose membership the sign-in decides:
	// the user is removed from those not in Groups. Other memberships stay.
	ManagedGroups []string
	// LinkByEmail: an identity without a user signs in as the existing
	// account with its e-mail address (the address is verified).
	LinkByEmail bool
}

// IdentityStore keeps the external identities users sign in with.
type IdentityStore interface {
	// ProvisionUser returns the user of p.Identity after storing the
	// sign-in, in one transaction:
	//   - a known identity whose user has the identity's source gets its
	//     username, e-mail, display name, roles and managed group
	//     memberships updated; a linked account of another source is left
	//     as it is;
	//   - an unknown identity is linked to the account with its e-mail
	//     address when p.LinkByEmail, or else gets a new user;
	//   - Disabled is never changed: the caller refuses a disabled user.
	// It returns KindConflict naming the clash when the username belongs to
	// a local account or any other account, or the e-mail address to
	// another account, and KindInvalid when the identity's fields cannot
	// be a Labforge user's or a mapped role does not exist.
	ProvisionUser(ctx context.Context, p *Provisioning) (*User, error)
}
