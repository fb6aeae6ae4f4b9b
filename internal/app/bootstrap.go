package app

import (
	"context"
	"fmt"
	"io"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
)

// AdminCredentials is the first administrator's login, reported once.
type AdminCredentials struct {
	Username string
	// Password is set only when it was generated; a configured password is
	// never echoed.
	Password string
}

// EnsureAdmin creates the first administrator when no enabled admin
// exists, with the configured password or a generated one. It returns nil
// when an admin already exists. Two replicas racing here are safe: the
// loser sees the username taken and returns nil.
func (p *Platform) EnsureAdmin(ctx context.Context) (*AdminCredentials, error) {
	n, err := p.DB.CountUsersWithRole(ctx, domain.RoleAdmin)
	if err != nil || n > 0 {
		return nil, err
	}
	cfg := p.Config
	creds := &AdminCredentials{Username: cfg.BootstrapAdminUsername}
	password := cfg.BootstrapAdminPassword
	if password == "" {
		if password, err = auth.GeneratePassword(); err != nil {
			return nil, err
		}
		creds.Password = password
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	u := &domain.User{Username: cfg.BootstrapAdminUsername, Email: cfg.BootstrapAdminEmail, DisplayName: "Administrator",
		Source: domain.AuthLocal, Roles: []string{domain.RoleAdmin}, PasswordHash: hash}
	if err := u.Validate(); err != nil {
		return nil, fmt.Errorf("the bootstrap admin is invalid (LABFORGE_BOOTSTRAP_ADMIN_USERNAME / _EMAIL): %w", err)
	}
	err = p.DB.Audited(ctx, func(ctx context.Context) (*domain.AuditRecord, error) {
		if err := p.DB.CreateUser(ctx, u); err != nil {
			return nil, err
		}
		return &domain.AuditRecord{Action: "user.bootstrap_admin", ObjectType: domain.ObjectUser,
			ObjectID: u.ID.String(), ActorName: "labforge", After: map[string]any{"username": u.Username, "roles": u.Roles}}, nil
	})
	if err != nil {
		if domain.IsKind(err, domain.KindConflict) {
			if n, cerr := p.DB.CountUsersWithRole(ctx, domain.RoleAdmin); cerr == nil && n > 0 {
				return nil, nil // another replica created it first
			}
			return nil, fmt.Errorf("no enabled admin exists but the username %q is taken; enable that user or set LABFORGE_BOOTSTRAP_ADMIN_USERNAME: %w", u.Username, err)
		}
		return nil, err
	}
	return creds, nil
}

// PrintAdmin writes the first-start banner with the admin login.
func PrintAdmin(w io.Writer, creds *AdminCredentials) {
	if creds == nil {
		return
	}
	if creds.Password == "" {
		fmt.Fprintf(w, "Created the first administrator %q with the password from LABFORGE_BOOTSTRAP_ADMIN_PASSWORD.\n", creds.Username)
		return
	}
	fmt.Fprintf(w, "\n  Created the first administrator.\n    username: %s\n    password: %s\n  This password is shown once; change it after signing in.\n\n", creds.Username, creds.Password)
}
