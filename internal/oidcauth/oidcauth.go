// Package oidcauth signs people in with an OpenID Connect provider: the
// authorization code flow with PKCE (S256), state and nonce, and the ID
// token verified against the provider's keys. The provider's discovery
// document is fetched on first use and kept, so the API starts while the
// provider is down.
package oidcauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/labforge/labforge/domain"
)

// Config describes one provider and how to read its ID tokens.
type Config struct {
	// ID names the provider in URLs (/api/v1/auth/oidc/{ID}/...) and in
	// identities ("oidc:<ID>"); Label is what the sign-in button says.
	ID    string
	Label string
	// Issuer is the provider's issuer URL; its discovery document is
	// <Issuer>/.well-known/openid-configuration.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is the callback registered with the provider.
	RedirectURL string
	// Scopes requested; "openid" is added when missing.
	Scopes []string
	// Claim names of the username, e-mail address, display name and
	// groups (a list of strings, or one string).
	UsernameClaim string
	EmailClaim    string
	NameClaim     string
	GroupsClaim   string
	// Timeout bounds each call to the provider.
	Timeout time.Duration
}

// Provider is one OpenID Connect provider.
type Provider struct {
	cfg    Config
	client *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

// New returns the provider; it does not contact it.
func New(cfg Config) (*Provider, error) {
	switch {
	case cfg.ID == "" || cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "":
		return nil, errors.New("an OIDC provider needs an id, an issuer, a client id and a redirect URL")
	case cfg.UsernameClaim == "" || cfg.EmailClaim == "":
		return nil, errors.New("an OIDC provider needs the names of its username and e-mail claims")
	case cfg.Timeout <= 0:
		return nil, errors.New("the OIDC timeout must be positive")
	}
	if !containsFold(cfg.Scopes, oidc.ScopeOpenID) {
		cfg.Scopes = append([]string{oidc.ScopeOpenID}, cfg.Scopes...)
	}
	return &Provider{cfg: cfg, client: &http.Client{Timeout: cfg.Timeout}}, nil
}

// ID is the provider's id in URLs.
func (p *Provider) ID() string { return p.cfg.ID }

// Label is what the provider's sign-in button says.
func (p *Provider) Label() string { return p.cfg.Label }

// Flow is what a sign-in must remember between its start and the
// provider's callback: the state, the nonce and the PKCE verifier.
type Flow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
}

// NewFlow returns fresh random values for one sign-in.
func NewFlow() Flow {
	return Flow{State: oauth2.GenerateVerifier(), Nonce: oauth2.GenerateVerifier(), Verifier: oauth2.GenerateVerifier()}
}

// AuthURL returns where to send the browser to sign in for f. It
// returns KindUnavailable when the provider's discovery fails.
func (p *Provider) AuthURL(ctx context.Context, f Flow) (string, error) {
	conf, _, err := p.oauth(ctx)
	if err != nil {
		return "", err
	}
	return conf.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// Identity exchanges the callback's code with f's verifier, verifies the
// ID token (signature, issuer, audience, expiry) and f's nonce, and reads
// the identity from its claims. A refused code or a token that does not
// verify is KindUnauthorized; a provider that cannot be reached is
// KindUnavailable; an ID token without a username or e-mail claim is
// KindUnprocessable.
func (p *Provider) Identity(ctx context.Context, f Flow, code string) (*domain.ExternalIdentity, error) {
	conf, verifier, err := p.oauth(ctx)
	if err != nil {
		return nil, err
	}
	ctx = oidc.ClientContext(ctx, p.client)
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, domain.Wrap(err, domain.KindUnauthorized, p.cfg.Label+" refused the sign-in; start it again")
		}
		return nil, p.unavailable(err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, domain.Errorf(domain.KindUnauthorized, "%s sent no ID token; start the sign-in again", p.cfg.Label)
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return nil, domain.Wrap(err, domain.KindUnauthorized, "the ID token from "+p.cfg.Label+" does not verify; start the sign-in again")
	}
	if idt.Nonce != f.Nonce {
		return nil, domain.Errorf(domain.KindUnauthorized, "the ID token from %s is not for this sign-in (nonce); start it again", p.cfg.Label)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, domain.Wrap(err, domain.KindUnauthorized, "the ID token from "+p.cfg.Label+" cannot be read")
	}
	return p.identity(idt.Subject, claims)
}

func (p *Provider) identity(subject string, claims map[string]any) (*domain.ExternalIdentity, error) {
	id := &domain.ExternalIdentity{
		Source: domain.AuthOIDC, Provider: "oidc:" + p.cfg.ID, Subject: subject,
		Username:      strings.ToLower(stringClaim(claims, p.cfg.UsernameClaim)),
		Email:         stringClaim(claims, p.cfg.EmailClaim),
		DisplayName:   stringClaim(claims, p.cfg.NameClaim),
		EmailVerified: claims["email_verified"] == true || claims["email_verified"] == "true",
		Groups:        listClaim(claims, p.cfg.GroupsClaim),
	}
	for claim, v := range map[string]string{p.cfg.UsernameClaim: id.Username, p.cfg.EmailClaim: id.Email} {
		if v == "" {
			return nil, domain.Errorf(domain.KindUnprocessable, "the ID token from %s has no %q claim, which Labforge needs; ask an administrator to check the provider's claims and scopes", p.cfg.Label, claim)
		}
	}
	return id, nil
}

// oauth returns the OAuth2 configuration and ID-token verifier, running
// the discovery on first use.
func (p *Provider) oauth(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider == nil {
		ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
		defer cancel()
		prov, err := oidc.NewProvider(oidc.ClientContext(ctx, p.client), p.cfg.Issuer)
		if err != nil {
			return nil, nil, p.unavailable(err)
		}
		p.provider = prov
	}
	conf := &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: p.cfg.RedirectURL,
		Endpoint: p.provider.Endpoint(), Scopes: p.cfg.Scopes}
	// Verifier caches the provider's keys across sign-ins.
	return conf, p.provider.Verifier(&oidc.Config{ClientID: p.cfg.ClientID}), nil
}

func (p *Provider) unavailable(err error) error {
	return domain.Wrap(fmt.Errorf("OIDC provider %s (%s): %w", p.cfg.ID, p.cfg.Issuer, err), domain.KindUnavailable,
		p.cfg.Label+" (the identity provider) is unavailable; try again later or ask an administrator")
}

func stringClaim(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return strings.TrimSpace(s)
}

// listClaim reads a list of strings, or one string, from the claims.
func listClaim(claims map[string]any, name string) []string {
	switch v := claims[name].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}
