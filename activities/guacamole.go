package activities

import (
	"context"
	"errors"
	"log/slog"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/guacamole"
	"github.com/labforge/labforge/internal/secrets"
)

// GuacamoleClient is what the Guacamole activities need of
// internal/guacamole.Client.
type GuacamoleClient interface {
	EnsureUser(ctx context.Context, u guacamole.User) error
	CreateConnection(ctx context.Context, conn guacamole.Connection) (guacamole.Connection, error)
	DeleteConnection(ctx context.Context, id string) error
	GrantConnection(ctx context.Context, username, connectionID string) error
	RevokeConnection(ctx context.Context, username, connectionID string) error
	ClientURL(ctx context.Context, connectionID string) (string, error)
}

var _ GuacamoleClient = (*guacamole.Client)(nil)

// Guacamole makes, revokes and deletes the remote-desktop connections of
// events' participants (queue core). Guacamole is optional: with Client
// nil (LABFORGE_GUACAMOLE_URL empty) every activity returns a result with
// Skipped set and does nothing, never an error, so events go on without
// connections.
type Guacamole struct {
	// Client talks to Guacamole; nil when it is not configured.
	Client GuacamoleClient
	// Keyring opens the connection templates' sealed passwords; nil when
	// LABFORGE_SECRET_KEY is unset (a template with a password then fails
	// with Invalid).
	Keyring *secrets.Keyring
	// Store records each connection's Guacamole identifier and state.
	Store  domain.EventConnectionStore
	Logger *slog.Logger
}

func (a *Guacamole) validate() error {
	if a.Store == nil {
		return errors.New("the Guacamole activities need an event connection store")
	}
	return nil
}

// SkippedGuacamole is logged when a Guacamole activity is skipped.
const SkippedGuacamole = "skipped: Guacamole is not configured"

// configured reports whether Guacamole is on, logging the skip of op when not.
func (a *Guacamole) configured(op string) bool {
	if a.Client == nil {
		logger(a.Logger).Debug(SkippedGuacamole, slog.String("activity", op))
		return false
	}
	return true
}
