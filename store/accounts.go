package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

var _ domain.AccountStore = (*DB)(nil)

const invitationColumns = `id, email, display_name, roles, invited_by, created_at, expires_at, accepted_at, user_id, revoked_at`

func scanInvitation(r rowScanner) (domain.Invitation, error) {
	var inv domain.Invitation
	err := r.Scan(&inv.ID, &inv.Email, &inv.DisplayName, &inv.Roles, &inv.InvitedBy, &inv.CreatedAt, &inv.ExpiresAt,
		&inv.AcceptedAt, &inv.UserID, &inv.RevokedAt)
	inv.Status = inv.StatusAt(time.Now())
	return inv, err
}

// CreateInvitation stores inv (assigning ID and CreatedAt) under
// tokenHash. It returns KindInvalid for invalid fields or an unknown role
// and KindConflict when an account with the e-mail address exists.
func (db *DB) CreateInvitation(ctx context.Context, inv *domain.Invitation, tokenHash []byte) error {
	if err := inv.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *DB) error {
		var unknown []string
		if err := tx.q.QueryRow(ctx, `
			SELECT ARRAY(SELECT r FROM unnest($1::text[]) r WHERE NOT EXISTS (SELECT 1 FROM roles WHERE name = r) ORDER BY r)`,
			inv.Roles).Scan(&unknown); err != nil {
			return mapErr(err, "roles")
		}
		if len(unknown) > 0 {
			var v domain.Validator
			v.Check(false, "roles", "role "+quote(unknown[0])+" does not exist")
			return v.Err()
		}
		var exists bool
		if err := tx.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1))`, inv.Email).Scan(&exists); err != nil {
			return mapErr(err, "user")
		}
		if exists {
			return domain.Conflictf("an account with e-mail address %q exists already", inv.Email)
		}
		err := tx.q.QueryRow(ctx, `
			INSERT INTO invitations (token_hash, email, display_name, roles, invited_by, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING id, created_at`,
			tokenHash, inv.Email, inv.DisplayName, inv.Roles, inv.InvitedBy, inv.ExpiresAt,
		).Scan(&inv.ID, &inv.CreatedAt)
		inv.Status = inv.StatusAt(time.Now())
		return mapErr(err, "invitation")
	})
}

// ListInvitations returns invitations newest first, and the cursor of the
// next page ("" at the end).
func (db *DB) ListInvitations(ctx context.Context, page domain.Page) ([]domain.Invitation, string, error) {
	return list(ctx, db, listQuery[domain.Invitation]{
		from: "invitations", columns: invitationColumns, orderBy: "created_at DESC, id DESC", what: "invitations",
		after: func(c *conds, at cursor) { c.add("(created_at, id) < (%s, %s)", at.T, at.ID) },
		scan:  scanInvitation,
		key:   func(inv *domain.Invitation) cursor { return cursor{T: inv.CreatedAt, ID: inv.ID} },
	}, conds{}, page)
}

// RevokeInvitation marks a pending (or expired) invitation revoked and
// returns it; revoking it again changes nothing. It returns KindNotFound,
// or KindConflict when the invitation was accepted already.
func (db *DB) RevokeInvitation(ctx context.Context, id uuid.UUID) (*domain.Invitation, error) {
	inv, err := scanInvitation(db.q.QueryRow(ctx, `
		UPDATE invitations SET revoked_at = COALESCE(revoked_at, now())
		WHERE id = $1 RETURNING `+invitationColumns, id))
	if err != nil {
		return nil, mapErr(err, "invitation "+id.String())
	}
	if inv.AcceptedAt != nil {
		return nil, domain.Conflictf("invitation %s was accepted already; disable or delete the user instead", id)
	}
	return &inv, nil
}

// errLinkNotValid is what every unusable link answers, whatever the reason,
// so that a link's fate is not told to whoever holds a guess.
func errLinkNotValid(what string) error {
	return domain.NotFoundf("this %s link is not valid: it is unknown, used, revoked or expired", what)
}

// AcceptInvitation creates u with the invitation's e-mail address and
// roles (and display name, when u has none) and marks the invitation
// accepted, in one transaction. See domain.AccountStore.
func (db *DB) AcceptInvitation(ctx context.Context, tokenHash []byte, u *domain.User) (*domain.Invitation, error) {
	var out *domain.Invitation
	err := db.inTx(ctx, func(tx *DB) error {
		inv, err := scanInvitation(tx.q.QueryRow(ctx, `
			SELECT `+invitationColumns+` FROM invitations
			WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
			FOR UPDATE`, tokenHash))
		if err != nil {
			if domain.IsKind(mapErr(err, ""), domain.KindNotFound) {
				return errLinkNotValid("invitation")
			}
			return mapErr(err, "invitation")
		}
		u.Email, u.Roles, u.Source = inv.Email, inv.Roles, domain.AuthLocal
		if u.DisplayName == "" {
			u.DisplayName = inv.DisplayName
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.q.QueryRow(ctx, `
			UPDATE invitations SET accepted_at = now(), user_id = $2 WHERE id = $1 RETURNING accepted_at`,
			inv.ID, u.ID).Scan(&inv.AcceptedAt); err != nil {
			return mapErr(err, "invitation "+inv.ID.String())
		}
		inv.UserID = &u.ID
		inv.Status = domain.InvitationAccepted
		out = &inv
		return nil
	})
	return out, err
}

// CreatePasswordReset stores a reset link for the enabled local account
// with the e-mail address and returns the account. See domain.AccountStore.
func (db *DB) CreatePasswordReset(ctx context.Context, email string, tokenHash []byte, expiresAt time.Time) (*domain.User, error) {
	u, err := scanUser(db.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users u
		WHERE lower(u.email) = lower($1) AND u.source = 'local' AND NOT u.disabled`, email))
	if err != nil {
		return nil, mapErr(err, "local account with e-mail address "+quote(email))
	}
	_, err = db.q.Exec(ctx, `INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
		tokenHash, u.ID, expiresAt)
	if err != nil {
		return nil, mapErr(err, "password reset")
	}
	return &u, nil
}

// ResetPassword sets the link's account's password hash and uses up every
// open link of the account, in one transaction. See domain.AccountStore.
func (db *DB) ResetPassword(ctx context.Context, tokenHash []byte, passwordHash string) (*domain.User, error) {
	var out *domain.User
	err := db.inTx(ctx, func(tx *DB) error {
		var id uuid.UUID
		err := tx.q.QueryRow(ctx, `
			UPDATE password_resets p SET used_at = now()
			FROM users u
			WHERE p.token_hash = $1 AND p.used_at IS NULL AND p.expires_at > now()
				AND u.id = p.user_id AND u.source = 'local' AND NOT u.disabled
			RETURNING p.user_id`, tokenHash).Scan(&id)
		if err != nil {
			if domain.IsKind(mapErr(err, ""), domain.KindNotFound) {
				return errLinkNotValid("password reset")
			}
			return mapErr(err, "password reset")
		}
		if _, err := tx.q.Exec(ctx, `UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, id); err != nil {
			return mapErr(err, "password reset")
		}
		if _, err := tx.q.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, id, passwordHash); err != nil {
			return mapErr(err, "user "+id.String())
		}
		u, err := tx.FindUserByID(ctx, id)
		out = u
		return err
	})
	return out, err
}
