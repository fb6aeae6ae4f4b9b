package store

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

var _ domain.UserStore = (*DB)(nil)

const userColumns = `u.id, u.username, u.email, u.display_name, u.source, u.disabled, u.password_hash,
	u.created_at, u.updated_at, u.token_version, ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role)`

func scanUser(r rowScanner) (domain.User, error) {
	var u domain.User
	err := r.Scan(&u.ID, &u.Username, &u.Email, &u.DisplayName, &u.Source, &u.Disabled, &u.PasswordHash,
		&u.CreatedAt, &u.UpdatedAt, &u.TokenVersion, &u.Roles)
	return u, err
}

// CreateUser stores u with its roles, assigning ID (unless set) and
// timestamps. It returns KindInvalid for invalid fields or an unknown role
// and KindConflict when the username or e-mail address is taken.
func (db *DB) CreateUser(ctx context.Context, u *domain.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *DB) error {
		err := tx.q.QueryRow(ctx, `
			INSERT INTO users (id, username, email, display_name, source, disabled, password_hash)
			VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7)
			RETURNING id, created_at, updated_at`,
			nullID(u.ID), u.Username, u.Email, u.DisplayName, u.Source, u.Disabled, u.PasswordHash,
		).Scan(&u.ID, &u.CreatedAt, &u.UpdatedAt)
		if err != nil {
			return mapErr(err, "user")
		}
		return tx.setUserRoles(ctx, u)
	})
}

// setUserRoles makes the user's stored roles exactly u.Roles, which it
// sorts and de-duplicates, and reads back u.TokenVersion (a change of
// roles raises it).
func (db *DB) setUserRoles(ctx context.Context, u *domain.User) error {
	u.Roles = slices.Compact(slices.Sorted(slices.Values(u.Roles)))
	if _, err := db.q.Exec(ctx, `DELETE FROM user_roles WHERE user_id = $1 AND role <> ALL($2)`, u.ID, u.Roles); err != nil {
		return mapErr(err, "user "+u.ID.String())
	}
	if _, err := db.q.Exec(ctx, `
		INSERT INTO user_roles (user_id, role) SELECT $1, unnest($2::text[])
		ON CONFLICT DO NOTHING`, u.ID, u.Roles); err != nil {
		return mapErr(err, "user "+u.ID.String())
	}
	err := db.q.QueryRow(ctx, `SELECT token_version FROM users WHERE id = $1`, u.ID).Scan(&u.TokenVersion)
	return mapErr(err, "user "+u.ID.String())
}

// FindUserByID returns the user or an error of KindNotFound.
func (db *DB) FindUserByID(ctx context.Context, id uuid.UUID) (*domain.User, error) {
	u, err := scanUser(db.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "user "+id.String())
	}
	return &u, nil
}

// FindUserByUsername returns the user or an error of KindNotFound.
func (db *DB) FindUserByUsername(ctx context.Context, username string) (*domain.User, error) {
	u, err := scanUser(db.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.username = $1`, username))
	if err != nil {
		return nil, mapErr(err, "user "+quote(username))
	}
	return &u, nil
}

// ListUsers returns users ordered by username, and the cursor of the next
// page ("" at the end).
func (db *DB) ListUsers(ctx context.Context, page domain.Page) ([]domain.User, string, error) {
	return list(ctx, db, listQuery[domain.User]{
		from: "users u", columns: userColumns, orderBy: "u.username", what: "users",
		after: func(c *conds, at cursor) { c.add("u.username > %s", at.S) },
		scan:  scanUser,
		key:   func(u *domain.User) cursor { return cursor{S: u.Username} },
	}, conds{}, page)
}

// UpdateUser stores every field of u, roles and password hash included,
// and refreshes UpdatedAt and TokenVersion. Disabling the user or changing
// their password or roles revokes their sessions and raises their token
// version (migration 00017's triggers). It returns KindNotFound, KindInvalid or
// KindConflict.
func (db *DB) UpdateUser(ctx context.Context, u *domain.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *DB) error {
		err := tx.q.QueryRow(ctx, `
			UPDATE users SET username = $2, email = $3, display_name = $4, source = $5, disabled = $6,
				password_hash = $7, updated_at = now()
			WHERE id = $1
			RETURNING created_at, updated_at`,
			u.ID, u.Username, u.Email, u.DisplayName, u.Source, u.Disabled, u.PasswordHash,
		).Scan(&u.CreatedAt, &u.UpdatedAt)
		if err != nil {
			return mapErr(err, "user "+u.ID.String())
		}
		return tx.setUserRoles(ctx, u)
	})
}

// DeleteUser removes the user, their roles, group memberships and personal
// permissions. It returns KindNotFound, or KindConflict while the user
// still owns environments, events, VMs or containers.
func (db *DB) DeleteUser(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "users", domain.ObjectUser, id)
}

// CountUsersWithRole counts enabled users holding the role.
func (db *DB) CountUsersWithRole(ctx context.Context, role string) (int, error) {
	var n int
	err := db.q.QueryRow(ctx, `
		SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.role = $1 AND NOT u.disabled`, role).Scan(&n)
	return n, mapErr(err, "role "+quote(role))
}
