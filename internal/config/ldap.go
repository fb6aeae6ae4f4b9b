package config

import (
	"time"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/ldapauth"
)

// LDAPEnabled reports whether LDAP sign-in is configured.
func (c *Config) LDAPEnabled() bool { return c.LDAPURL != "" }

// LDAP is the directory client's configuration.
func (c *Config) LDAP() ldapauth.Config {
	return ldapauth.Config{URL: c.LDAPURL, StartTLS: c.LDAPStartTLS, CAFile: c.LDAPCAFile,
		BindDN: c.LDAPBindDN, BindPassword: c.LDAPBindPassword, BaseDN: c.LDAPBaseDN, UserFilter: c.LDAPUserFilter,
		UsernameAttribute: c.LDAPUsernameAttribute, EmailAttribute: c.LDAPEmailAttribute,
		DisplayNameAttribute: c.LDAPDisplayNameAttribute, GroupAttribute: c.LDAPGroupAttribute,
		GroupBaseDN: c.LDAPGroupBaseDN, GroupFilter: c.LDAPGroupFilter, Timeout: c.LDAPTimeout}
}

// LDAPPolicy is how LDAP identities become accounts: LDAPRoleMap and
// LDAPGroupMap (which Validate checked).
func (c *Config) LDAPPolicy() (domain.SignInPolicy, error) {
	return signInPolicy("LDAPRoleMap", c.LDAPRoleMap, "LDAPGroupMap", c.LDAPGroupMap)
}

// validateLDAP checks the LDAP settings when LDAP is on.
func (c *Config) validateLDAP(bad func(field, format string, args ...any), problem func(error)) {
	if !c.LDAPEnabled() {
		return
	}
	if _, err := ldapauth.New(c.LDAP()); err != nil {
		bad("LDAPURL", "and the other LABFORGE_LDAP_* settings are not usable: %v", err)
	}
	if c.LDAPBaseDN == "" {
		bad("LDAPBaseDN", "is not set; name where people's entries are, such as ou=people,dc=example,dc=org")
	}
	if c.LDAPBindDN != "" && c.LDAPBindPassword == "" {
		bad("LDAPBindPassword", "is not set; the service account LABFORGE_LDAP_BIND_DN needs its password")
	}
	if c.LDAPUsernameAttribute == "" || c.LDAPEmailAttribute == "" {
		bad("LDAPUsernameAttribute", "and LABFORGE_LDAP_EMAIL_ATTRIBUTE must name attributes, such as uid and mail")
	}
	if c.LDAPGroupBaseDN != "" && c.LDAPGroupFilter == "" {
		bad("LDAPGroupFilter", "is empty; with LABFORGE_LDAP_GROUP_BASE_DN set it finds a person's groups, such as (member=%%s)")
	}
	if c.LDAPTimeout < 100*time.Millisecond || c.LDAPTimeout > 5*time.Minute {
		bad("LDAPTimeout", "is %s; use 100ms to 5m", c.LDAPTimeout)
	}
	if _, err := c.LDAPPolicy(); err != nil {
		problem(err)
	}
}
