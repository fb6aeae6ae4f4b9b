package store

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

var _ domain.IdentityStore = (*DB)(nil)

// ProvisionUser returns the user of p.Identity after storing the sign-in
// (see domain.IdentityStore) in one transaction.
func (db *DB) ProvisionUser(ctx context.Context, p *domain.Provisioning) (*domain.User, error) {
	var out *domain.User
	err := db.inTx(ctx, func(tx *DB) error {
		u, err := tx.provision(ctx, p)
		out = u
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (db *DB) provision(ctx context.Context, p *domain.Provisioning) (*domain.User, error) {
	id := p.Identity
	var userID uuid.UUID
	err := db.q.QueryRow(ctx, `
		UPDATE user_identities SET last_sign_in_at = now() WHERE provider = $1 AND subject = $2
		RETURNING user_id`, id.Provider, id.Subject).Scan(&userID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return db.provisionNew(ctx, p)
	case err != nil:
		return nil, mapErr(err, "identity")
	}
	u, err := scanUser(db.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1 FOR UPDATE`, userID))
	if err != nil {
		return nil, mapErr(err, "user "+userID.String())
	}
	if u.Source != id.Source {
		// A linked account keeps its own profile, roles and groups.
		return &u, nil
	}
	if u.Username != id.Username {
		if err := db.checkUsernameFree(ctx, id); err != nil {
			return nil, err
		}
	}
	if !strings.EqualFold(u.Email, id.Email) {
		if err := db.checkEmailFree(ctx, id); err != nil {
			return nil, err
		}
	}
	u.Username, u.Email, u.DisplayName, u.Roles = id.Username, id.Email, id.DisplayName, p.Roles
	if err := db.UpdateUser(ctx, &u); err != nil {
		return nil, err
	}
	return &u, db.syncGroups(ctx, u.ID, p)
}

// provisionNew links an unknown identity to the account with its e-mail
// address (p.LinkByEmail) or creates its user.
func (db *DB) provisionNew(ctx context.Context, p *domain.Provisioning) (*domain.User, error) {
	id := p.Identity
	if p.LinkByEmail && id.Email != "" {
		u, err := scanUser(db.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE lower(u.email) = lower($1) FOR UPDATE`, id.Email))
		switch {
		case err == nil:
			return &u, db.link(ctx, id, u.ID)
		case !errors.Is(err, pgx.ErrNoRows):
			return nil, mapErr(err, "user")
		}
	}
	if err := db.checkUsernameFree(ctx, id); err != nil {
		return nil, err
	}
	if err := db.checkEmailFree(ctx, id); err != nil {
		return nil, err
	}
	u := &domain.User{Username: id.Username, Email: id.Email, DisplayName: id.DisplayName, Source: id.Source, Roles: p.Roles}
	if err := db.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	if err := db.link(ctx, id, u.ID); err != nil {
		return nil, err
	}
	return u, db.syncGroups(ctx, u.ID, p)
}

func (db *DB) link(ctx context.Context, id domain.ExternalIdentity, userID uuid.UUID) error {
	_, err := db.q.Exec(ctx, `INSERT INTO user_identities (provider, subject, user_id) VALUES ($1, $2, $3)`,
		id.Provider, id.Subject, userID)
	return mapErr(err, "identity")
}

// checkUsernameFree returns KindConflict when another account holds the
// identity's username, saying whether it is a local account.
func (db *DB) checkUsernameFree(ctx context.Context, id domain.ExternalIdentity) error {
	var source domain.AuthSource
	err := db.q.QueryRow(ctx, `SELECT source FROM users WHERE username = $1`, id.Username).Scan(&source)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return mapErr(err, "user")
	case source == domain.AuthLocal:
		return domain.Conflictf("the username %q belongs to a local Labforge account; it cannot sign in through %s (sign in with its Labforge password, or ask an administrator to rename one of the accounts)", id.Username, sourceName(id.Source))
	default:
		return domain.Conflictf("the username %q belongs to another Labforge account (%s); ask an administrator", id.Username, sourceName(source))
	}
}

// checkEmailFree returns KindConflict when another account holds the
// identity's e-mail address.
func (db *DB) checkEmailFree(ctx context.Context, id domain.ExternalIdentity) error {
	var username string
	err := db.q.QueryRow(ctx, `SELECT username FROM users WHERE lower(email) = lower($1) AND username <> $2`, id.Email, id.Username).Scan(&username)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return mapErr(err, "user")
	default:
		return domain.Conflictf("the e-mail address %q belongs to another Labforge account; ask an administrator to link or change it", id.Email)
	}
}

func sourceName(s domain.AuthSource) string {
	switch s {
	case domain.AuthLDAP:
		return "LDAP"
	case domain.AuthOIDC:
		return "single sign-on"
	default:
		return string(s)
	}
}

// syncGroups makes the user's memberships of p.ManagedGroups exactly
// p.Groups, creating the groups that do not exist yet.
func (db *DB) syncGroups(ctx context.Context, userID uuid.UUID, p *domain.Provisioning) error {
	if len(p.ManagedGroups) == 0 {
		return nil
	}
	// A nil slice would be a NULL array, which <> ALL never holds for.
	member := append([]string{}, p.Groups...)
	if _, err := db.q.Exec(ctx, `
		INSERT INTO groups (name, description) SELECT unnest($1::text[]), 'members come from sign-in group mapping'
		ON CONFLICT (name) DO NOTHING`, member); err != nil {
		return mapErr(err, "group")
	}
	if _, err := db.q.Exec(ctx, `
		DELETE FROM group_members m USING groups g
		WHERE m.group_id = g.id AND m.user_id = $1 AND g.name = ANY($2) AND g.name <> ALL($3)`,
		userID, p.ManagedGroups, member); err != nil {
		return mapErr(err, "group")
	}
	_, err := db.q.Exec(ctx, `
		INSERT INTO group_members (group_id, user_id) SELECT g.id, $1 FROM groups g WHERE g.name = ANY($2)
		ON CONFLICT DO NOTHING`, userID, member)
	return mapErr(err, "group")
}
