package config

import (
	"net/url"
	"strings"
	"time"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/oidcauth"
)

// OIDCEnabled reports whether OIDC sign-in is configured.
func (c *Config) OIDCEnabled() bool { return c.OIDCIssuer != "" }

// OIDCCallbackPath is the provider's callback route on the API.
func OIDCCallbackPath(id string) string { return "/api/v1/auth/oidc/" + id + "/callback" }

// OIDC is the provider's configuration.
func (c *Config) OIDC() oidcauth.Config {
	return oidcauth.Config{ID: c.OIDCID, Label: c.OIDCLabel, Issuer: c.OIDCIssuer, ClientID: c.OIDCClientID,
		ClientSecret: c.OIDCClientSecret, RedirectURL: strings.TrimSuffix(c.PublicURL, "/") + OIDCCallbackPath(c.OIDCID),
		Scopes: c.OIDCScopes, UsernameClaim: c.OIDCUsernameClaim, EmailClaim: c.OIDCEmailClaim,
		NameClaim: c.OIDCNameClaim, GroupsClaim: c.OIDCGroupsClaim, Timeout: c.OIDCTimeout}
}

// OIDCPolicy is how the provider's identities become accounts.
func (c *Config) OIDCPolicy() (domain.SignInPolicy, error) {
	p, err := signInPolicy("OIDCRoleMap", c.OIDCRoleMap, "OIDCGroupMap", c.OIDCGroupMap)
	p.LinkByEmail = c.OIDCLinkByEmail
	return p, err
}

// validateOIDC checks the OIDC settings when OIDC is on.
func (c *Config) validateOIDC(bad func(field, format string, args ...any), problem func(error)) {
	if !c.OIDCEnabled() {
		return
	}
	if u, err := url.Parse(c.OIDCIssuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("OIDCIssuer", "must be the provider's issuer URL such as https://login.example.org/realms/labs, or empty to turn OIDC off")
	}
	if !domain.ValidSlug(c.OIDCID) {
		bad("OIDCID", "is %q; use lower-case letters, digits and hyphens such as sso (it is part of the callback URL)", c.OIDCID)
	}
	if c.OIDCClientID == "" {
		bad("OIDCClientID", "is not set; register Labforge with the provider (callback %s) and set its client id", c.OIDC().RedirectURL)
	}
	if !domain.ValidDisplayText(c.OIDCLabel, 100) || !domain.ValidDisplayText(c.LDAPLabel, 100) {
		bad("OIDCLabel", "and LABFORGE_LDAP_LABEL must be 1-100 printable characters")
	}
	if c.OIDCUsernameClaim == "" || c.OIDCEmailClaim == "" {
		bad("OIDCUsernameClaim", "and LABFORGE_OIDC_EMAIL_CLAIM must name claims such as preferred_username and email")
	}
	if c.OIDCTimeout < 100*time.Millisecond || c.OIDCTimeout > 5*time.Minute {
		bad("OIDCTimeout", "is %s; use 100ms to 5m", c.OIDCTimeout)
	}
	if _, err := c.OIDCPolicy(); err != nil {
		problem(err)
	}
}
