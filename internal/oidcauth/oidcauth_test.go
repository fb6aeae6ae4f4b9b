package oidcauth

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

func testConfig(issuer string) Config {
	return Config{ID: "sso", Label: "SSO", Issuer: issuer, ClientID: "labforge", RedirectURL: "http://127.0.0.1/cb",
		UsernameClaim: "preferred_username", EmailClaim: "email", NameClaim: "name", GroupsClaim: "groups", Timeout: 2 * time.Second}
}

func TestIdentityReadsTheConfiguredClaims(t *testing.T) {
	t.Parallel()
	cfg := testConfig("http://127.0.0.1:1/")
	cfg.UsernameClaim, cfg.GroupsClaim = "upn", "roles"
	p, err := New(cfg)
	require.NoError(t, err)
	require.Equal(t, []string{"openid"}, p.cfg.Scopes, "openid is always asked for")
	id, err := p.identity("sub-1", map[string]any{"upn": " Kim ", "email": "kim@example.org", "name": "Kim K",
		"email_verified": "true", "roles": "teachers", "groups": []any{"ignored"}})
	require.NoError(t, err)
	require.Equal(t, &domain.ExternalIdentity{Source: domain.AuthOIDC, Provider: "oidc:sso", Subject: "sub-1", Username: "kim",
		Email: "kim@example.org", DisplayName: "Kim K", EmailVerified: true, Groups: []string{"teachers"}}, id)

	id, err = p.identity("sub-1", map[string]any{"upn": "kim", "email": "kim@example.org", "roles": []any{"a", 3, "b"}})
	require.NoError(t, err)
	require.False(t, id.EmailVerified, "no email_verified claim: not verified")
	require.Equal(t, []string{"a", "b"}, id.Groups)

	_, err = p.identity("sub-1", map[string]any{"upn": "kim"})
	require.Equal(t, domain.KindUnprocessable, domain.KindOf(err))
	require.ErrorContains(t, err, `no "email" claim`)
}

func TestAnUnreachableProviderIsUnavailable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	p, err := New(testConfig("http://" + addr + "/oidc"))
	require.NoError(t, err)
	_, err = p.AuthURL(context.Background(), NewFlow())
	require.Equal(t, domain.KindUnavailable, domain.KindOf(err), "%v", err)
	require.ErrorContains(t, err, "SSO (the identity provider) is unavailable")
}

func TestNewRefusesIncompleteConfigurations(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*Config){
		"issuer":   func(c *Config) { c.Issuer = "" },
		"client":   func(c *Config) { c.ClientID = "" },
		"username": func(c *Config) { c.UsernameClaim = "" },
		"timeout":  func(c *Config) { c.Timeout = 0 },
	} {
		cfg := testConfig("https://login.example.org")
		change(&cfg)
		_, err := New(cfg)
		require.Error(t, err, name)
	}
}

func TestFlowsAreFresh(t *testing.T) {
	t.Parallel()
	a, b := NewFlow(), NewFlow()
	require.NotEqual(t, a.State, b.State)
	require.NotEqual(t, a.Nonce, a.State)
	require.GreaterOrEqual(t, len(a.Verifier), 43, "RFC 7636: at least 43 characters")
}
