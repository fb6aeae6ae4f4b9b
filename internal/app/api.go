package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"time"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/internal/auth"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/ldapauth"
	"github.com/labforge/labforge/internal/oidcauth"
	"github.com/labforge/labforge/web"
)

// APIHandler builds the HTTP API on the platform's connections.
func (p *Platform) APIHandler() (http.Handler, error) {
	if err := p.Config.RequireJWTSecret(); err != nil {
		return nil, err
	}
	keys, err := p.Config.Keyring()
	if err != nil {
		return nil, err
	}
	ldapPolicy, err := p.Config.LDAPPolicy()
	if err != nil {
		return nil, err
	}
	var directory api.LDAPDirectory
	if p.Config.LDAPEnabled() {
		d, err := ldapauth.New(p.Config.LDAP())
		if err != nil {
			return nil, fmt.Errorf("LDAP sign-in (LABFORGE_LDAP_*): %w", err)
		}
		directory = d
	}
	oidcSignIns, err := oidcSignIns(&p.Config)
	if err != nil {
		return nil, err
	}
	probes := p.readinessProbes()
	names := make([]string, 0, len(probes))
	for n := range probes {
		names = append(names, n)
	}
	sort.Strings(names)
	checks := make([]api.Check, 0, len(names))
	for _, n := range names {
		checks = append(checks, api.Check{Name: n, Probe: probes[n]})
	}
	return api.New(api.Deps{
		Users: p.DB, Permissions: p.DB, Operations: p.DB, Audit: p.Audit, Outbox: p.DB, Temporal: p.Temporal,
		Nodes: p.DB, Sites: p.DB, ExternalDomains: p.DB, Templates: p.DB, VMs: p.DB, Containers: p.DB, SystemEvents: p.Audit, Emails: p.DB,
		APIKeys: p.DB, Idempotency: p.DB,
		Accounts: p.DB, Identities: p.DB, LDAP: directory, LDAPPolicy: ldapPolicy, LDAPLabel: p.Config.LDAPLabel,
		OIDC: oidcSignIns, OIDCFlowKey: oidcFlowKey(p.Config.JWTSecret), PublicURL: p.Config.PublicURL,
		TemporalUIURL: p.Config.TemporalUIURL, TemporalNamespace: p.Config.TemporalNamespace, TrustedProxies: p.Config.TrustedProxies,
		Sessions: p.DB, SessionPolicy: api.SessionPolicy{IdleTimeout: p.Config.SessionIdleTimeout, MaxAge: p.Config.SessionMaxAge},
		MutationLimit: api.RateLimit{PerMinute: p.Config.RateLimitPerMinute, Burst: p.Config.RateLimitBurst},
		Groups:        p.DB, Environments: p.DB, Events: p.DB, Secrets: keys, StoredSecrets: p.DB, EventDefaults: p.Config.EventDefaults(),
		Capacity: p.DB, CloneCapPerStorage: p.Config.CloneCapPerStorage, EventActivity: p.Audit, EventConnections: p.DB,
		EventDeployConcurrency: p.Config.EventDeployConcurrency,
		Tokens:                 auth.NewTokens(p.Config.JWTSecret, p.Config.JWTTTL),
		Readiness:              checks, Metrics: p.Metrics, Queues: p.Config.WorkerQueues, Logger: p.Logger,
		Console: web.Console(),
	}), nil
}

// Listen opens addr, explaining a busy port in one sentence.
func Listen(addr, variable string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (%s): %w", addr, variable, err)
	}
	return l, nil
}

// Serve serves h on l until ctx ends, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish within timeout, and returns.
func Serve(ctx context.Context, l net.Listener, h http.Handler, timeout time.Duration, logger *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown of %s: %w", l.Addr(), err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// oidcSignIns are the configured OIDC providers (none when OIDC is off).
func oidcSignIns(c *config.Config) ([]api.OIDCSignIn, error) {
	if !c.OIDCEnabled() {
		return nil, nil
	}
	policy, err := c.OIDCPolicy()
	if err != nil {
		return nil, err
	}
	provider, err := oidcauth.New(c.OIDC())
	if err != nil {
		return nil, fmt.Errorf("OIDC sign-in (LABFORGE_OIDC_*): %w", err)
	}
	return []api.OIDCSignIn{{Provider: provider, Policy: policy}}, nil
}

// oidcFlowKey derives the key that signs OIDC flow cookies from the JWT
// secret, which every API replica shares.
func oidcFlowKey(jwtSecret string) []byte {
	m := hmac.New(sha256.New, []byte(jwtSecret))
	m.Write([]byte("labforge oidc flow cookie"))
	return m.Sum(nil)
}
