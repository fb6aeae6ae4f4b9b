package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/ldapauth"
)

// fakeDirectory is an api.LDAPDirectory answering with fn.
type fakeDirectory struct {
	fn func(username, password string) (*domain.ExternalIdentity, error)
}

func (d *fakeDirectory) Authenticate(_ context.Context, username, password string) (*domain.ExternalIdentity, error) {
	return d.fn(username, password)
}

// TestHandlerLDAPLogin covers how POST /api/v1/auth/login picks local or
// LDAP and what it answers for each outcome of the directory and of
// provisioning.
func TestHandlerLDAPLogin(t *testing.T) {
	t.Parallel()
	staff := domain.ExternalIdentity{Source: domain.AuthLDAP, Provider: "ldap", Subject: "lin", Username: "lin",
		Email: "lin@example.org", Groups: []string{"cn=staff,dc=example,dc=org"}}
	provisioned := func(p *domain.Provisioning) (*domain.User, error) {
		return &domain.User{ID: uuid.New(), Username: p.Identity.Username, Email: p.Identity.Email, Source: domain.AuthLDAP,
			Roles: p.Roles, CreatedAt: time.Now(), UpdatedAt: time.Now()}, nil
	}
	for _, tc := range []struct {
		name      string
		body      map[string]string
		directory func(username, password string) (*domain.ExternalIdentity, error)
		provision func(p *domain.Provisioning) (*domain.User, error)
		status    int
		contains  string
	}{
		{name: "a local account's name signs in locally, never through LDAP", body: map[string]string{"username": "admin", "password": "directory-password"},
			status: http.StatusUnauthorized, contains: "invalid username or password"},
		{name: "local when asked", body: map[string]string{"username": "lin", "password": "directory-password", "provider": "local"},
			status: http.StatusUnauthorized, contains: "invalid username or password"},
		{name: "another name signs in through LDAP with the mapped roles", body: map[string]string{"username": "lin", "password": "directory-password"},
			directory: func(u, p string) (*domain.ExternalIdentity, error) {
				require.Equal(t, "lin", u)
				require.Equal(t, "directory-password", p)
				id := staff
				return &id, nil
			},
			provision: func(p *domain.Provisioning) (*domain.User, error) {
				require.Equal(t, []string{domain.RoleInstructor}, p.Roles)
				require.Equal(t, "lin", p.Identity.Subject)
				return provisioned(p)
			},
			status: http.StatusOK, contains: `"roles":["instructor"]`},
		{name: "a wrong password", body: map[string]string{"username": "lin", "password": "wrong"},
			directory: func(string, string) (*domain.ExternalIdentity, error) { return nil, ldapauth.ErrInvalidCredentials },
			status:    http.StatusUnauthorized, contains: "invalid username or password"},
		{name: "the directory is down", body: map[string]string{"username": "lin", "password": "directory-password", "provider": "ldap"},
			directory: func(string, string) (*domain.ExternalIdentity, error) {
				return nil, domain.Errorf(domain.KindUnavailable, "the LDAP directory is unavailable; try again later or ask an administrator")
			},
			status: http.StatusServiceUnavailable, contains: "LDAP directory is unavailable"},
		{name: "the name of a local account", body: map[string]string{"username": "admin", "password": "directory-password", "provider": "ldap"},
			directory: func(string, string) (*domain.ExternalIdentity, error) {
				id := staff
				id.Username = "admin"
				return &id, nil
			},
			provision: func(*domain.Provisioning) (*domain.User, error) {
				return nil, domain.Conflictf("the username \"admin\" belongs to a local Labforge account")
			},
			status: http.StatusConflict, contains: "belongs to a local Labforge account"},
		{name: "a disabled account", body: map[string]string{"username": "lin", "password": "directory-password"},
			directory: func(string, string) (*domain.ExternalIdentity, error) { id := staff; return &id, nil },
			provision: func(p *domain.Provisioning) (*domain.User, error) {
				u, err := provisioned(p)
				u.Disabled = true
				return u, err
			},
			status: http.StatusForbidden, contains: "disabled"},
		{name: "an entry that cannot be an account", body: map[string]string{"username": "lin", "password": "directory-password"},
			directory: func(string, string) (*domain.ExternalIdentity, error) { id := staff; id.Email = ""; return &id, nil },
			provision: func(*domain.Provisioning) (*domain.User, error) {
				return nil, (&domain.User{Username: "lin"}).Validate()
			},
			status: http.StatusUnprocessableEntity, contains: "cannot be a Labforge account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			called := false
			policy := domain.SignInPolicy{Roles: domain.GroupMap{}}
			policy.Roles.Add("CN=Staff,DC=example,DC=org", domain.RoleInstructor)
			h := newFakeAPIWith(t, func(d *api.Deps) {
				d.LDAP = &fakeDirectory{fn: func(u, p string) (*domain.ExternalIdentity, error) {
					called = true
					require.NotNil(t, tc.directory, "the directory must not be asked")
					return tc.directory(u, p)
				}}
				d.LDAPPolicy, d.LDAPLabel = policy, "Campus LDAP"
			})
			h.users.FindUserByUsernameFn = func(_ context.Context, username string) (*domain.User, error) {
				if username == "admin" {
					u := *h.admin.user
					return &u, nil
				}
				return nil, domain.NotFoundf("user %q not found", username)
			}
			if tc.provision != nil {
				h.identities.ProvisionUserFn = func(_ context.Context, p *domain.Provisioning) (*domain.User, error) { return tc.provision(p) }
			}
			r := h.do(nil, "POST", "/api/v1/auth/login", tc.body)
			require.Equal(t, tc.status, r.status, string(r.body))
			require.Contains(t, string(r.body), tc.contains)
			require.Equal(t, tc.directory != nil, called)
		})
	}
}

// TestHandlerProvidersListLDAP lists LDAP with its label when it is on.
func TestHandlerProvidersListLDAP(t *testing.T) {
	t.Parallel()
	h := newFakeAPIWith(t, func(d *api.Deps) { d.LDAP, d.LDAPLabel = &fakeDirectory{}, "Campus LDAP" })
	r := h.do(nil, "GET", "/api/v1/auth/providers", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.JSONEq(t, `{"providers":[{"id":"local","type":"local","display_name":"Labforge account"},
		{"id":"ldap","type":"ldap","display_name":"Campus LDAP"}]}`, string(r.body))
}
