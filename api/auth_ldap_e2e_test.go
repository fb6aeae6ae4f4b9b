package api_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jimlambrt/gldap"
	"github.com/jimlambrt/gldap/testdirectory"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
)

const (
	ldapService  = "cn=labforge,ou=services,dc=example,dc=org"
	ldapPeople   = "ou=people,dc=example,dc=org"
	ldapGroups   = "ou=groups,dc=example,dc=org"
	ldapTeachers = "cn=teachers," + ldapGroups
)

// ldapPerson is a person's directory entry; memberOf may be empty.
func ldapPerson(uid, mail, cn, password string, memberOf ...string) *gldap.Entry {
	attrs := map[string][]string{"uid": {uid}, "mail": {mail}, "cn": {cn}, "password": {password}}
	if len(memberOf) > 0 {
		attrs["memberOf"] = memberOf
	}
	return gldap.NewEntry("uid="+uid+","+ldapPeople, attrs)
}

// startLDAPS starts an LDAPS directory on 127.0.0.1 with the service
// account and people, and returns it with its certificate (PEM).
func startLDAPS(t *testing.T, people ...*gldap.Entry) (addr, cert string) {
	t.Helper()
	users := append([]*gldap.Entry{gldap.NewEntry(ldapService, map[string][]string{"cn": {"labforge"}, "password": {"service-secret"}})}, people...)
	d := testdirectory.Start(t, testdirectory.WithHost(t, "127.0.0.1"), testdirectory.WithDefaults(t, &testdirectory.Defaults{
		UserAttr: "uid", UserDN: ldapPeople, GroupDN: ldapGroups, Users: users,
	}))
	return fmt.Sprintf("127.0.0.1:%d", d.Port()), d.Cert()
}

// ldapSwitch is a TCP forwarder in front of directories: the API's
// LABFORGE_LDAP_URL points at it, and the test picks which directory
// answers, or none (every connection is closed at once).
type ldapSwitch struct {
	l      net.Listener
	target atomic.Pointer[string]
	wg     sync.WaitGroup
}

func newLDAPSwitch(t *testing.T) *ldapSwitch {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &ldapSwitch{l: l}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { _ = l.Close(); s.wg.Wait() })
	return s
}

func (s *ldapSwitch) to(addr string) { s.target.Store(&addr) }

func (s *ldapSwitch) serve() {
	defer s.wg.Done()
	for {
		in, err := s.l.Accept()
		if err != nil {
			return
		}
		target := s.target.Load()
		if target == nil || *target == "" {
			_ = in.Close()
			continue
		}
		out, err := net.DialTimeout("tcp", *target, 5*time.Second)
		if err != nil {
			_ = in.Close()
			continue
		}
		go func() { _, _ = io.Copy(out, in); _ = out.Close() }()
		go func() { _, _ = io.Copy(in, out); _ = in.Close() }()
	}
}

// TestLDAPSignInEndToEnd signs people in through an LDAPS directory
// (verified with LABFORGE_LDAP_CA_FILE) on the real stack: the first
// sign-in creates the account with the mapped role and group, the next
// updates it from the changed entry; wrong passwords, unknown users and
// a filter injection are refused alike and throttled; a disabled
// account stays refused; the bootstrap administrator (a local account)
// is never signed in through the directory's entry of the same name; an
// unreachable directory answers 503.
func TestLDAPSignInEndToEnd(t *testing.T) {
	t.Parallel()
	before, certA := startLDAPS(t,
		ldapPerson("alice", "alice@example.org", "Alice Liddell", "alice-password", ldapTeachers),
		ldapPerson("dora", "dora@example.org", "Dora", "dora-password"),
		ldapPerson("admin", "admin@directory.example.org", "Directory admin", "directory-admin-password"),
		ldapPerson("eve", "admin@labforge.local", "Eve", "eve-password"))
	after, certB := startLDAPS(t,
		ldapPerson("alice", "alice.liddell@example.org", "Alice P. Liddell", "alice-password"))
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, []byte(certA+certB), 0o600))
	sw := newLDAPSwitch(t)
	sw.to(before)

	s := apptest.Start(t, apptest.WithQueues(activities.QueueCore), func(c *config.Config) {
		c.LDAPURL = "ldaps://" + sw.l.Addr().String()
		c.LDAPCAFile, c.LDAPBindDN, c.LDAPBindPassword, c.LDAPBaseDN = caFile, ldapService, "service-secret", ldapPeople
		c.LDAPRoleMap = ldapTeachers + " => instructor"
		c.LDAPGroupMap = "CN=Teachers,OU=Groups,DC=example,DC=org => Teachers"
	})
	admin := s.AdminToken(t)
	login := func(body map[string]string) *apptest.Response {
		t.Helper()
		return s.Do(t, "POST", "/api/v1/auth/login", "", body)
	}
	signedIn := func(r *apptest.Response) *domain.User {
		t.Helper()
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var out struct {
			AccessToken string       `json:"access_token"`
			User        *domain.User `json:"user"`
		}
		r.JSON(t, &out)
		me := s.Do(t, "GET", "/api/v1/me", out.AccessToken, nil)
		require.Equal(t, http.StatusOK, me.Status, "the token works, also after a change of roles: %s", me.Body)
		return out.User
	}
	teachers := func() domain.Group {
		t.Helper()
		var groups struct{ Items []domain.Group }
		r := s.Do(t, "GET", "/api/v1/groups", admin, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &groups)
		require.Len(t, groups.Items, 1)
		require.Equal(t, "Teachers", groups.Items[0].Name)
		return groups.Items[0]
	}

	var alice *domain.User
	apptest.Step(t, "the first sign-in creates the account with the mapped role and group", func(t *testing.T) {
		alice = signedIn(login(map[string]string{"username": "alice", "password": "alice-password"}))
		require.Equal(t, domain.AuthLDAP, alice.Source)
		require.Equal(t, "alice@example.org", alice.Email)
		require.Equal(t, "Alice Liddell", alice.DisplayName)
		require.Equal(t, []string{"instructor"}, alice.Roles)
		require.Equal(t, []uuid.UUID{alice.ID}, teachers().MemberIDs)

		dora := signedIn(login(map[string]string{"username": "dora", "password": "dora-password", "provider": "ldap"}))
		require.Equal(t, "dora", dora.Username)
		require.Equal(t, []string{"participant"}, dora.Roles, "no mapped group: participant")

		r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]any{"username": "dora", "password": "dora-password", "session": true})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var sess api.SessionResponse
		r.JSON(t, &sess)
		require.Equal(t, "ldap", sess.Method, "a console session signed in through LDAP")
		require.Equal(t, dora.ID, sess.User.ID)
	})

	apptest.Step(t, "the next sign-in updates the account from the entry", func(t *testing.T) {
		sw.to(after)
		again := signedIn(login(map[string]string{"username": "alice", "password": "alice-password"}))
		require.Equal(t, alice.ID, again.ID)
		require.Equal(t, "alice.liddell@example.org", again.Email)
		require.Equal(t, "Alice P. Liddell", again.DisplayName)
		require.Equal(t, []string{"participant"}, again.Roles)
		require.Empty(t, teachers().MemberIDs, "no longer in the mapped group")
		sw.to(before)
	})

	apptest.Step(t, "wrong password, unknown user and filter injection are refused alike", func(t *testing.T) {
		for _, creds := range [][2]string{{"alice", "dora-password"}, {"nobody", "alice-password"}, {"*)(uid=*", "alice-password"}, {"*", "dora-password"}} {
			r := login(map[string]string{"username": creds[0], "password": creds[1]})
			require.Equal(t, http.StatusUnauthorized, r.Status, "%q: %s", creds[0], r.Body)
			require.Contains(t, string(r.Body), "invalid username or password")
		}
		for range 6 { // five free failures, then the back-off starts
			r := login(map[string]string{"username": "dora", "password": "wrong"})
			require.Equal(t, http.StatusUnauthorized, r.Status, string(r.Body))
		}
		r := login(map[string]string{"username": "dora", "password": "dora-password"})
		require.Equal(t, http.StatusTooManyRequests, r.Status, "LDAP failures count towards the back-off: %s", r.Body)
	})

	apptest.Step(t, "a disabled account stays refused", func(t *testing.T) {
		r := s.Do(t, "PATCH", "/api/v1/users/"+alice.ID.String(), admin, map[string]any{"disabled": true})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r = login(map[string]string{"username": "alice", "password": "alice-password"})
		require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
		r = s.Do(t, "GET", "/api/v1/users/"+alice.ID.String(), admin, nil)
		require.Contains(t, string(r.Body), `"disabled":true`)
	})

	apptest.Step(t, "a local account is never signed in through the directory", func(t *testing.T) {
		r := login(map[string]string{"username": "admin", "password": "directory-admin-password"})
		require.Equal(t, http.StatusUnauthorized, r.Status, "a local name signs in locally: %s", r.Body)
		r = login(map[string]string{"username": "admin", "password": "directory-admin-password", "provider": "ldap"})
		require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `the username \"admin\" belongs to a local Labforge account`)
		r = login(map[string]string{"username": "eve", "password": "eve-password"})
		require.Equal(t, http.StatusConflict, r.Status, "eve's address is the local admin's: %s", r.Body)
		require.Contains(t, string(r.Body), "belongs to another Labforge account")
		s.Login(t, "admin", apptest.AdminPassword)
	})

	apptest.Step(t, "an unreachable directory answers 503 naming LDAP", func(t *testing.T) {
		sw.to("")
		r := login(map[string]string{"username": "eve", "password": "eve-password"})
		require.Equal(t, http.StatusServiceUnavailable, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "LDAP directory is unavailable")
	})
}
