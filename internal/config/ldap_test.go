package config_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/config"
)

func TestParseGroupMap(t *testing.T) {
	m, err := config.ParseGroupMap(" cn=teachers,ou=groups,dc=example,dc=org => instructor ;"+
		"CN=Admins,OU=Groups,DC=example,DC=org=>admin; cn=admins,ou=groups,dc=example,dc=org => instructor;", true)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Map([]string{"cn=Admins,ou=groups,dc=example,dc=org", "cn=other,dc=example,dc=org"})
	if strings.Join(got, ",") != "admin,instructor" {
		t.Errorf("admins map to %v", got)
	}
	if strings.Join(m.Targets(), ",") != "admin,instructor" {
		t.Errorf("targets %v", m.Targets())
	}
	for raw, want := range map[string]string{
		"cn=teachers,dc=example,dc=org":                   "entry 1",
		"a => instructor; cn=x => Not A Role":             "entry 2 maps to \"Not A Role\"",
		" => instructor":                                  "entry 1",
		"cn=teachers,dc=example,dc=org => instructor;;=>": "entry 3",
	} {
		if _, err := config.ParseGroupMap(raw, true); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v should mention %s", raw, err, want)
		}
	}
	if g, err := config.ParseGroupMap("teachers => Teachers, 2026", false); err != nil || g.Map([]string{"TEACHERS"})[0] != "Teachers, 2026" {
		t.Errorf("group names may hold commas and spaces: %v %v", g, err)
	}
}

func TestLDAPSettings(t *testing.T) {
	if c := config.Default(); c.LDAPEnabled() {
		t.Fatal("LDAP is on by default")
	}
	good := []string{"LABFORGE_LDAP_URL=ldaps://ldap.example.org", "LABFORGE_LDAP_BASE_DN=ou=people,dc=example,dc=org",
		"LABFORGE_LDAP_BIND_DN=cn=labforge,dc=example,dc=org", "LABFORGE_LDAP_BIND_PASSWORD=ldap-secret-pw",
		"LABFORGE_LDAP_ROLE_MAP=cn=teachers,ou=groups,dc=example,dc=org => instructor"}
	c, err := config.LoadFrom(good)
	if err != nil || !c.LDAPEnabled() {
		t.Fatalf("config = %+v, %v", c, err)
	}
	p, err := c.LDAPPolicy()
	if err != nil || strings.Join(p.Roles.Map([]string{"cn=teachers,ou=groups,dc=example,dc=org"}), ",") != domain.RoleInstructor {
		t.Fatalf("policy %+v, %v", p, err)
	}
	if !strings.Contains(c.LDAPUserFilter, "%s") || c.LDAP().Timeout <= 0 {
		t.Errorf("defaults: %+v", c.LDAP())
	}
	for extra, variable := range map[string]string{
		"LABFORGE_LDAP_URL=ldap.example.org":               "LABFORGE_LDAP_URL",
		"LABFORGE_LDAP_START_TLS=true":                     "LABFORGE_LDAP_URL", // StartTLS on ldaps://
		"LABFORGE_LDAP_USER_FILTER=(uid=alice)":            "LABFORGE_LDAP_URL",
		"LABFORGE_LDAP_CA_FILE=/nonexistent/ca.pem":        "LABFORGE_LDAP_URL",
		"LABFORGE_LDAP_BASE_DN=":                           "LABFORGE_LDAP_BASE_DN",
		"LABFORGE_LDAP_BIND_PASSWORD=":                     "LABFORGE_LDAP_BIND_PASSWORD",
		"LABFORGE_LDAP_TIMEOUT=1h":                         "LABFORGE_LDAP_TIMEOUT",
		"LABFORGE_LDAP_ROLE_MAP=cn=teachers => Instructor": "LABFORGE_LDAP_ROLE_MAP",
		"LABFORGE_LDAP_GROUP_MAP=cn=teachers":              "LABFORGE_LDAP_GROUP_MAP",
	} {
		_, err := config.LoadFrom(append(append([]string{}, good...), extra))
		if err == nil || !strings.Contains(err.Error(), variable) {
			t.Errorf("%s: error %v should name %s", extra, err, variable)
		}
	}
}

func TestOIDCSettings(t *testing.T) {
	if c := config.Default(); c.OIDCEnabled() {
		t.Fatal("OIDC is on by default")
	}
	good := []string{"LABFORGE_OIDC_ISSUER=https://login.example.org/realms/labs", "LABFORGE_OIDC_CLIENT_ID=labforge",
		"LABFORGE_OIDC_CLIENT_SECRET=oidc-secret-pw", "LABFORGE_PUBLIC_URL=https://labforge.example.org/",
		"LABFORGE_OIDC_ROLE_MAP=teachers => instructor", "LABFORGE_OIDC_LINK_BY_EMAIL=true"}
	c, err := config.LoadFrom(good)
	if err != nil || !c.OIDCEnabled() {
		t.Fatalf("config = %+v, %v", c, err)
	}
	if got := c.OIDC().RedirectURL; got != "https://labforge.example.org/api/v1/auth/oidc/sso/callback" {
		t.Errorf("redirect URL %s", got)
	}
	p, err := c.OIDCPolicy()
	if err != nil || !p.LinkByEmail || p.Roles.Map([]string{"Teachers"})[0] != domain.RoleInstructor {
		t.Errorf("policy %+v, %v", p, err)
	}
	if out := fmt.Sprint(slog.AnyValue(c).Resolve()); strings.Contains(out, "oidc-secret-pw") {
		t.Errorf("the client secret leaked: %s", out)
	}
	for extra, variable := range map[string]string{
		"LABFORGE_OIDC_ISSUER=login.example.org":  "LABFORGE_OIDC_ISSUER",
		"LABFORGE_OIDC_ID=My SSO":                 "LABFORGE_OIDC_ID",
		"LABFORGE_OIDC_CLIENT_ID=":                "LABFORGE_OIDC_CLIENT_ID",
		"LABFORGE_OIDC_TIMEOUT=0s":                "LABFORGE_OIDC_TIMEOUT",
		"LABFORGE_OIDC_GROUP_MAP=teachers":        "LABFORGE_OIDC_GROUP_MAP",
		"LABFORGE_OIDC_ROLE_MAP=teachers => Boss": "LABFORGE_OIDC_ROLE_MAP",
	} {
		_, err := config.LoadFrom(append(append([]string{}, good...), extra))
		if err == nil || !strings.Contains(err.Error(), variable) {
			t.Errorf("%s: error %v should name %s", extra, err, variable)
		}
	}
}
