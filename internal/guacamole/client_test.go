package guacamole_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/guacamole"
	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

func TestWrongPasswordIsInvalidCredentials(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	c := newClient(t, s, func(c *guacamole.Config) { c.Password = "wrong" })
	ctx := testCtx(t, 10*time.Second)
	e := wantKind(t, c.Login(ctx), guacamole.InvalidCredentials)
	if e.Status != http.StatusForbidden || e.Type != "INVALID_CREDENTIALS" || e.Message != "Invalid login." || e.Retryable() {
		t.Errorf("error = %+v", e)
	}
	// A call that needs a token fails the same way, after one sign-in.
	_, err := c.ListConnections(ctx)
	wantKind(t, err, guacamole.InvalidCredentials)
	if n := s.Stats().RequestCount("POST", tokensRoute); n != 2 {
		t.Errorf("sign-ins = %d, want 2 (one per call, no retry)", n)
	}
}

func TestExpiredTokenIsRenewedOnce(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	c := newClient(t, s, nil)
	ctx := testCtx(t, 10*time.Second)
	if _, err := c.CreateConnection(ctx, sshTo("vm-1", "pw")); err != nil {
		t.Fatal(err)
	}
	s.ExpireTokens()
	got, err := c.ListConnections(ctx)
	if err != nil || len(got) != 1 || got[0].Name != "vm-1" {
		t.Fatalf("ListConnections after expiry = %+v, %v", got, err)
	}
	st := s.Stats()
	if st.RequestCount("POST", tokensRoute) != 2 || st.Statuses[http.StatusForbidden] != 1 {
		t.Errorf("want 2 sign-ins and one 403: %+v", st)
	}
	// The new token is kept: no further sign-in.
	if _, err := c.ListConnections(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.Stats().RequestCount("POST", tokensRoute); n != 2 {
		t.Errorf("sign-ins = %d after a call with a live token, want 2", n)
	}
}

func TestTokenExpiresByInactivityAndIsRenewed(t *testing.T) {
	s := newSim(t, guacsim.Config{TokenTimeout: time.Hour, TimeScale: 0.00003}) // ~108 ms
	c := newClient(t, s, nil)
	ctx := testCtx(t, 10*time.Second)
	if _, err := c.ListConnections(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if _, err := c.ListConnections(ctx); err != nil {
		t.Fatalf("after the timeout: %v", err)
	}
	if n := s.Stats().RequestCount("POST", tokensRoute); n != 2 {
		t.Errorf("sign-ins = %d, want 2", n)
	}
}

func TestConnectionLifecycleAndVisibility(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	admin := newClient(t, s, nil)
	ctx := testCtx(t, 10*time.Second)
	ids := map[string]string{}
	for _, p := range []string{"alice", "bob"} {
		if err := admin.EnsureUser(ctx, guacamole.User{Username: p, Password: p + "-pw"}); err != nil {
			t.Fatalf("EnsureUser(%s): %v", p, err)
		}
		conn, err := admin.CreateConnection(ctx, sshTo(p+"-vm", "s3cret"))
		if err != nil {
			t.Fatalf("CreateConnection: %v", err)
		}
		if conn.Identifier == "" || conn.ParentIdentifier != guacamole.RootGroup {
			t.Fatalf("created %+v", conn)
		}
		ids[p] = conn.Identifier
		if err := admin.GrantConnection(ctx, p, conn.Identifier); err != nil {
			t.Fatalf("GrantConnection: %v", err)
		}
	}
	if err := admin.GrantConnection(ctx, "alice", ids["alice"]); err != nil {
		t.Errorf("granting again: %v", err)
	}
	for _, p := range []string{"alice", "bob"} {
		got, err := userClient(t, s, p, p+"-pw").ListConnections(ctx)
		if err != nil || len(got) != 1 || got[0].Identifier != ids[p] || got[0].Name != p+"-vm" {
			t.Errorf("%s sees %+v, %v; want only %s-vm", p, got, err, p)
		}
	}
	perms, err := admin.ConnectionPermissions(ctx, "alice")
	if err != nil || len(perms) != 1 || len(perms[ids["alice"]]) != 1 || perms[ids["alice"]][0] != "READ" {
		t.Errorf("ConnectionPermissions(alice) = %v, %v", perms, err)
	}
	all, err := admin.ListConnections(ctx)
	if err != nil || len(all) != 2 {
		t.Errorf("admin sees %+v, %v", all, err)
	}

	if err := admin.RevokeConnection(ctx, "alice", ids["alice"]); err != nil {
		t.Fatalf("RevokeConnection: %v", err)
	}
	if got, err := userClient(t, s, "alice", "alice-pw").ListConnections(ctx); err != nil || len(got) != 0 {
		t.Errorf("alice after revoke sees %+v, %v", got, err)
	}
	if err := admin.RevokeConnection(ctx, "nobody", ids["alice"]); err != nil {
		t.Errorf("revoking from an absent user: %v", err)
	}
	for range 2 { // the second delete finds nothing, which is fine
		if err := admin.DeleteConnection(ctx, ids["bob"]); err != nil {
			t.Fatalf("DeleteConnection: %v", err)
		}
	}
	if got := s.Connections(); len(got) != 1 || got[0].Name != "alice-vm" {
		t.Errorf("left in Guacamole: %+v", got)
	}
	if ids, _ := s.Permissions("bob"); len(ids) != 0 {
		t.Errorf("bob keeps permissions on a deleted connection: %v", ids)
	}
	for range 2 {
		if err := admin.DeleteUser(ctx, "bob"); err != nil {
			t.Fatalf("DeleteUser: %v", err)
		}
	}
}

func TestCreateConnectionIsIdempotent(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	c := newClient(t, s, nil)
	ctx := testCtx(t, 10*time.Second)
	first, err := c.CreateConnection(ctx, sshTo("vm-1", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateConnection(ctx, sshTo("vm-1", "other"))
	if err != nil || again.Identifier != first.Identifier {
		t.Fatalf("second create = %+v, %v; want identifier %s", again, err, first.Identifier)
	}
	if n := s.Stats().RequestCount("POST", connectionsRoute); n != 1 {
		t.Errorf("POST connections = %d, want 1", n)
	}
	if got := s.Connections(); len(got) != 1 || got[0].Parameters["password"] != "pw" || got[0].Parameters["port"] != "22" {
		t.Errorf("stored %+v", got)
	}
}

func TestBadRequestsArePermanent(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	c := newClient(t, s, nil)
	ctx := testCtx(t, 10*time.Second)
	conn := sshTo("vm", "pw")
	conn.Protocol = "x11"
	_, err := c.CreateConnection(ctx, conn)
	if e := wantKind(t, err, guacamole.BadRequest); e.Status != 400 || e.Type != "BAD_REQUEST" || e.Retryable() || e.Op != "CreateConnection" {
		t.Errorf("error = %+v", e)
	}
	_, err = c.CreateConnection(ctx, guacamole.Connection{Protocol: "ssh"})
	wantKind(t, err, guacamole.Invalid)
	if !strings.Contains(err.Error(), "Unsupported protocol") && !strings.Contains(err.Error(), "name") {
		t.Errorf("message: %v", err)
	}
}

func TestParticipantGetsPermissionDenied(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	admin := newClient(t, s, nil)
	ctx := testCtx(t, 10*time.Second)
	if err := admin.EnsureUser(ctx, guacamole.User{Username: "eve", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	eve := userClient(t, s, "eve", "pw")
	_, err := eve.CreateConnection(ctx, sshTo("mine", "pw"))
	if e := wantKind(t, err, guacamole.PermissionDenied); e.Type != "PERMISSION_DENIED" || e.Retryable() {
		t.Errorf("error = %+v", e)
	}
	err = eve.GrantConnection(ctx, "eve", "1")
	wantKind(t, err, guacamole.PermissionDenied)
	if !errors.Is(err, guacamole.PermissionDenied) || guacamole.IsRetryable(err) {
		t.Errorf("errors.Is / IsRetryable wrong for %v", err)
	}
}

func TestServiceDownIsRetryable(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	c := newClient(t, s, nil)
	ctx := testCtx(t, 10*time.Second)
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDown(guacsim.Unavailable); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListConnections(ctx)
	if e := wantKind(t, err, guacamole.Unavailable); e.Status != 503 || !e.Retryable() || !guacamole.IsRetryable(err) {
		t.Errorf("503: %+v", e)
	}
	if err := s.SetDown(guacsim.Refused); err != nil {
		t.Fatal(err)
	}
	err = c.DeleteConnection(ctx, "1")
	if e := wantKind(t, err, guacamole.Unavailable); e.Status != 0 || !e.Retryable() {
		t.Errorf("connection refused: %+v", e)
	}
	if err := s.SetDown(guacsim.Up); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListConnections(ctx); err != nil {
		t.Errorf("after the service is back: %v", err)
	}
}

func TestInternalErrorIsTransient(t *testing.T) {
	s := newSim(t, guacsim.Config{Faults: guacsim.Faults{ErrorRate: 1}})
	c := newClient(t, s, nil)
	e := wantKind(t, c.Login(testCtx(t, 10*time.Second)), guacamole.Transient)
	if e.Status != 500 || e.Type != "INTERNAL_ERROR" || !e.Retryable() {
		t.Errorf("error = %+v", e)
	}
	if c.BreakerState() != "closed" {
		t.Errorf("a 500 counted against the breaker: %s", c.BreakerState())
	}
}

func TestRequestTimeoutIsTransient(t *testing.T) {
	s := newSim(t, guacsim.Config{Faults: guacsim.Faults{Latency: 300 * time.Millisecond}})
	c := newClient(t, s, func(c *guacamole.Config) { c.Timeout = 50 * time.Millisecond })
	// Without the timeout the sign-in would succeed after the latency.
	wantKind(t, c.Login(testCtx(t, 10*time.Second)), guacamole.Transient)
}

func TestEnsureUserIsIdempotent(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	c := newClient(t, s, nil)
	ctx := testCtx(t, 10*time.Second)
	for range 2 {
		if err := c.EnsureUser(ctx, guacamole.User{Username: "dave", Password: "pw"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Stats().RequestCount("POST", "/api/session/data/{ds}/users"); n != 1 {
		t.Errorf("POST users = %d, want 1", n)
	}
	if ds, err := c.DataSource(ctx); err != nil || ds != "postgresql" {
		t.Errorf("DataSource = %q, %v", ds, err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Errorf("Logout: %v", err)
	}
}

func TestSecretsAreNotLogged(t *testing.T) {
	s := newSim(t, guacsim.Config{AdminPassword: "admin-secret-1"})
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, s, func(c *guacamole.Config) { c.Logger = log })
	ctx := testCtx(t, 10*time.Second)
	conn := sshTo("vm", "conn-secret-2")
	conn.Parameters["private-key"] = "key-secret-3"
	if _, err := c.CreateConnection(ctx, conn); err != nil {
		t.Fatal(err)
	}
	s.ExpireTokens()
	bad := conn
	bad.Name, bad.Protocol = "other", "x11"
	_, _ = c.CreateConnection(ctx, bad) // logs a renewal and a failure
	log.Info("connection", "conn", conn, "config", guacamole.Config{URL: s.URL(), Password: "admin-secret-1"},
		"user", guacamole.User{Username: "u", Password: "user-secret-4"})
	out := buf.String()
	for _, secret := range []string{"admin-secret-1", "conn-secret-2", "key-secret-3", "user-secret-4"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "hostname=10.1.0.7") || !strings.Contains(out, "signing in again") {
		t.Errorf("log lacks the expected lines:\n%s", out)
	}
	// Sign-out puts the token in the path; a failed one does not show it.
	if err := s.SetDown(guacsim.Refused); err != nil {
		t.Fatal(err)
	}
	err := c.Logout(ctx)
	if e := wantKind(t, err, guacamole.Unavailable); !strings.Contains(e.Error(), "/api/tokens/xxxxx") ||
		!strings.Contains(e.Err.Error(), "/api/tokens/xxxxx") {
		t.Errorf("sign-out error shows the token: %v", err)
	}
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	for _, cfg := range []guacamole.Config{
		{}, {URL: "ftp://x", Username: "a", Password: "b"}, {URL: "http://x"},
	} {
		_, err := guacamole.New(cfg)
		wantKind(t, err, guacamole.Invalid)
	}
}
