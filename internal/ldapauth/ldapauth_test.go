package ldapauth_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jimlambrt/gldap"
	"github.com/jimlambrt/gldap/testdirectory"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/ldapauth"
)

const (
	serviceDN = "cn=labforge,ou=services,dc=example,dc=org"
	peopleDN  = "ou=people,dc=example,dc=org"
	groupsDN  = "ou=groups,dc=example,dc=org"
	teachers  = "cn=teachers," + groupsDN
)

// directory starts a directory on 127.0.0.1 holding the service account,
// alice (a teacher) and bob; tlsMode picks LDAPS ("ldaps") or plain
// (anything else).
func directory(t *testing.T, ldaps bool) *testdirectory.Directory {
	t.Helper()
	opts := []testdirectory.Option{testdirectory.WithHost(t, "127.0.0.1"), testdirectory.WithDefaults(t, &testdirectory.Defaults{
		UserAttr: "uid", UserDN: peopleDN, GroupDN: groupsDN,
		Users: []*gldap.Entry{
			gldap.NewEntry(serviceDN, map[string][]string{"cn": {"labforge"}, "password": {"service-secret"}}),
			gldap.NewEntry("uid=alice,"+peopleDN, map[string][]string{"uid": {"Alice"}, "mail": {"alice@example.org"},
				"cn": {"Alice Liddell"}, "memberOf": {teachers}, "password": {"alice-password"}}),
			gldap.NewEntry("uid=bob,"+peopleDN, map[string][]string{"uid": {"bob"}, "mail": {"bob@example.org"},
				"cn": {"Bob"}, "password": {"bob-password"}}),
		},
		Groups: []*gldap.Entry{
			gldap.NewEntry(teachers, map[string][]string{"cn": {"teachers"}, "member": {"uid=alice," + peopleDN}}),
		},
	})}
	if !ldaps {
		opts = append(opts, testdirectory.WithNoTLS(t))
	}
	return testdirectory.Start(t, opts...)
}

func config(d *testdirectory.Directory, scheme string) ldapauth.Config {
	return ldapauth.Config{
		URL:    fmt.Sprintf("%s://%s:%d", scheme, d.Host(), d.Port()),
		BindDN: serviceDN, BindPassword: "service-secret", BaseDN: peopleDN, UserFilter: "(uid=%s)",
		UsernameAttribute: "uid", EmailAttribute: "mail", DisplayNameAttribute: "cn", GroupAttribute: "memberOf",
		Timeout: 5 * time.Second,
	}
}

// caFile writes the directory's certificate where a CA file would be.
func caFile(t *testing.T, d *testdirectory.Directory) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, []byte(d.Cert()), 0o600))
	return path
}

func authenticate(t *testing.T, cfg ldapauth.Config, username, password string) (*domain.ExternalIdentity, error) {
	t.Helper()
	dir, err := ldapauth.New(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return dir.Authenticate(ctx, username, password)
}

func TestAuthenticateReadsTheEntry(t *testing.T) {
	t.Parallel()
	d := directory(t, false)
	id, err := authenticate(t, config(d, "ldap"), "alice", "alice-password")
	require.NoError(t, err)
	require.Equal(t, &domain.ExternalIdentity{Source: domain.AuthLDAP, Provider: "ldap", Subject: "alice", Username: "alice",
		Email: "alice@example.org", DisplayName: "Alice Liddell", Groups: []string{teachers}}, id)
}

func TestAuthenticateFindsGroupsBySearch(t *testing.T) {
	t.Parallel()
	d := directory(t, false)
	cfg := config(d, "ldap")
	cfg.GroupBaseDN, cfg.GroupFilter = groupsDN, "(member=%s)"
	id, err := authenticate(t, cfg, "alice", "alice-password")
	require.NoError(t, err)
	require.Equal(t, []string{teachers}, id.Groups)
	id, err = authenticate(t, cfg, "bob", "bob-password")
	require.NoError(t, err)
	require.Empty(t, id.Groups)
}

func TestAuthenticateRefusesWrongPasswordUnknownUserAndInjection(t *testing.T) {
	t.Parallel()
	d := directory(t, false)
	cfg := config(d, "ldap")
	for name, creds := range map[string][2]string{
		"wrong password": {"alice", "bob-password"},
		"unknown user":   {"carol", "alice-password"},
		// Unescaped, the filter (uid=*)(uid=*) would match every entry.
		"filter injection": {"*)(uid=*", "alice-password"},
		"wildcard":         {"*", "alice-password"},
		"empty password":   {"alice", ""},
	} {
		_, err := authenticate(t, cfg, creds[0], creds[1])
		require.ErrorIs(t, err, ldapauth.ErrInvalidCredentials, name)
	}
}

func TestAuthenticateOverTLSWithTheCAFile(t *testing.T) {
	t.Parallel()
	plain := directory(t, false)
	cfg := config(plain, "ldap")
	cfg.StartTLS, cfg.CAFile = true, caFile(t, plain)
	id, err := authenticate(t, cfg, "alice", "alice-password")
	require.NoError(t, err, "StartTLS")
	require.Equal(t, "alice", id.Username)

	tlsDir := directory(t, true)
	cfg = config(tlsDir, "ldaps")
	cfg.CAFile = caFile(t, tlsDir)
	id, err = authenticate(t, cfg, "alice", "alice-password")
	require.NoError(t, err, "LDAPS")
	require.Equal(t, "alice", id.Username)

	cfg.CAFile = caFile(t, plain)
	_, err = authenticate(t, cfg, "alice", "alice-password")
	require.Equal(t, domain.KindUnavailable, domain.KindOf(err), "a certificate the CA file does not vouch for: %v", err)
	require.ErrorContains(t, err, "certificate")
}

func TestAuthenticateReportsAnUnreachableDirectory(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	cfg := ldapauth.Config{URL: "ldap://" + addr, BaseDN: peopleDN, UserFilter: "(uid=%s)", Timeout: 2 * time.Second}
	_, err = authenticate(t, cfg, "alice", "alice-password")
	require.Equal(t, domain.KindUnavailable, domain.KindOf(err), "%v", err)
	require.ErrorContains(t, err, "LDAP directory is unavailable")

	d := directory(t, false)
	cfg = config(d, "ldap")
	cfg.BindPassword = "wrong"
	_, err = authenticate(t, cfg, "alice", "alice-password")
	require.Equal(t, domain.KindUnavailable, domain.KindOf(err), "a refused service account is the directory's problem: %v", err)
	require.ErrorContains(t, err, serviceDN)
}

func TestNewRefusesBadConfigurations(t *testing.T) {
	t.Parallel()
	good := ldapauth.Config{URL: "ldap://127.0.0.1:389", BaseDN: peopleDN, UserFilter: "(uid=%s)", Timeout: time.Second}
	for name, change := range map[string]func(*ldapauth.Config){
		"scheme":         func(c *ldapauth.Config) { c.URL = "http://127.0.0.1" },
		"starttls+ldaps": func(c *ldapauth.Config) { c.URL, c.StartTLS = "ldaps://127.0.0.1", true },
		"filter":         func(c *ldapauth.Config) { c.UserFilter = "(uid=alice)" },
		"ca file":        func(c *ldapauth.Config) { c.CAFile = "/nonexistent/ca.pem" },
	} {
		cfg := good
		change(&cfg)
		_, err := ldapauth.New(cfg)
		require.Error(t, err, name)
	}
	_, err := ldapauth.New(good)
	require.NoError(t, err)
}
