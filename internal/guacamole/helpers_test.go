package guacamole_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/guacamole"
	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

// newSim starts a simulator closed when the test ends.
func newSim(t *testing.T, cfg guacsim.Config) *guacsim.Server {
	t.Helper()
	s := guacsim.New(cfg)
	t.Cleanup(s.Close)
	return s
}

// newClient is an administrator's client of s; mutate adjusts its config.
func newClient(t *testing.T, s *guacsim.Server, mutate func(*guacamole.Config)) *guacamole.Client {
	t.Helper()
	user, password := s.AdminCredentials()
	cfg := guacamole.Config{URL: s.URL(), Username: user, Password: password, Timeout: 5 * time.Second}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := guacamole.New(cfg)
	if err != nil {
		t.Fatalf("guacamole.New: %v", err)
	}
	return c
}

// userClient is a client of s signed in as username.
func userClient(t *testing.T, s *guacsim.Server, username, password string) *guacamole.Client {
	t.Helper()
	return newClient(t, s, func(c *guacamole.Config) { c.Username, c.Password = username, password })
}

// testCtx is a context bounded to d, cancelled when the test ends.
func testCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// wantKind fails the test unless err is an *Error of kind k.
func wantKind(t *testing.T, err error, k guacamole.Kind) *guacamole.Error {
	t.Helper()
	var e *guacamole.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want a *guacamole.Error of kind %s", err, err, k)
	}
	if e.Kind != k {
		t.Fatalf("kind = %s, want %s: %v", e.Kind, k, err)
	}
	return e
}

// sshTo is an SSH connection called name with a password parameter.
func sshTo(name, password string) guacamole.Connection {
	return guacamole.Connection{Name: name, Protocol: "ssh",
		Parameters: map[string]string{"hostname": "10.1.0.7", "port": "22", "username": "student", "password": password}}
}

const (
	tokensRoute      = "/api/tokens"
	connectionsRoute = "/api/session/data/{ds}/connections"
)
