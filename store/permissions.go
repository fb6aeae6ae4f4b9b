package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

var _ domain.PermissionStore = (*DB)(nil)

const permissionColumns = `id, object_type, object_id, key, user_id, role, group_id`

func scanPermission(r rowScanner) (domain.Permission, error) {
	var p domain.Permission
	var role *string
	err := r.Scan(&p.ID, &p.ObjectType, &p.ObjectID, &p.Key, &p.UserID, &role, &p.GroupID)
	if role != nil {
		p.Role = *role
	}
	return p, err
}

// GrantPermission stores p and sets p.ID. Granting a permission that
// exists already is not an error: p.ID becomes the stored one's. It returns
// KindInvalid for an invalid permission or an unknown user, role or group.
func (db *DB) GrantPermission(ctx context.Context, p *domain.Permission) error {
	if err := p.Validate(); err != nil {
		return err
	}
	args := []any{p.ObjectType, p.ObjectID, p.Key, p.UserID, nullText(p.Role), p.GroupID}
	// A concurrent revoke can delete the grant between the two statements;
	// the next round inserts it again.
	for range 3 {
		err := db.q.QueryRow(ctx, `
			INSERT INTO permissions (object_type, object_id, key, user_id, role, group_id) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT DO NOTHING RETURNING id`, args...).Scan(&p.ID)
		if !errors.Is(err, pgx.ErrNoRows) {
			return mapErr(err, "permission")
		}
		err = db.q.QueryRow(ctx, `
			SELECT id FROM permissions
			WHERE object_type = $1 AND object_id IS NOT DISTINCT FROM $2 AND key = $3
				AND user_id IS NOT DISTINCT FROM $4 AND role IS NOT DISTINCT FROM $5
				AND group_id IS NOT DISTINCT FROM $6`, args...).Scan(&p.ID)
		if !errors.Is(err, pgx.ErrNoRows) {
			return mapErr(err, "permission")
		}
	}
	return domain.Errorf(domain.KindUnavailable, "the permission is being granted and revoked concurrently; try again")
}

// GrantOwner gives userID the domain.OwnerKeys of objectType on the object.
// It returns KindInvalid for a type without owner keys.
func (db *DB) GrantOwner(ctx context.Context, objectType string, objectID, userID uuid.UUID) error {
	keys, ok := domain.OwnerKeys[objectType]
	if !ok {
		return domain.Errorf(domain.KindInvalid, "%s objects have no owner", objectType)
	}
	return db.inTx(ctx, func(tx *DB) error {
		for _, k := range keys {
			p := domain.Permission{ObjectType: objectType, ObjectID: &objectID, Key: k, UserID: &userID}
			if err := tx.GrantPermission(ctx, &p); err != nil {
				return err
			}
		}
		return nil
	})
}

// RevokePermission deletes a permission by id; KindNotFound if absent.
func (db *DB) RevokePermission(ctx context.Context, id uuid.UUID) error {
	tag, err := db.q.Exec(ctx, `DELETE FROM permissions WHERE id = $1`, id)
	if err != nil {
		return mapErr(err, "permission "+id.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("permission %s not found", id)
	}
	return nil
}

// revokeObject deletes every permission granted on one object.
func (db *DB) revokeObject(ctx context.Context, objectType string, id uuid.UUID) error {
	_, err := db.q.Exec(ctx, `DELETE FROM permissions WHERE object_type = $1 AND object_id = $2`, objectType, id)
	return mapErr(err, "permissions")
}

// PermissionsFor returns every permission held by s, directly, through
// the roles in s.Roles or through the groups s is a member of, that could
// cover obj: on obj itself, on its whole type, or on every type. A group's
// grant comes back with UserID s.UserID and GroupID the group. Feed the
// result to domain.Authorize.
func (db *DB) PermissionsFor(ctx context.Context, s domain.Subject, obj domain.ObjectRef) ([]domain.Permission, error) {
	rows, err := db.q.Query(ctx, `SELECT id, object_type, object_id, key,
			CASE WHEN group_id IS NULL THEN user_id ELSE $3::uuid END, role, group_id
		FROM permissions
		WHERE object_type IN ($1, '*')
			AND (object_id IS NULL OR object_id = $2)
			AND (user_id = $3 OR role = ANY($4)
				OR group_id IN (SELECT group_id FROM group_members WHERE user_id = $3))
		ORDER BY object_type, key, id`,
		obj.Type, obj.ID, s.UserID, s.Roles)
	if err != nil {
		return nil, mapErr(err, "permissions")
	}
	perms, err := collect(rows, scanPermission)
	return perms, mapErr(err, "permissions")
}

// ListPermissions returns permissions oldest first, and the cursor of the
// next page.
func (db *DB) ListPermissions(ctx context.Context, f domain.PermissionFilter) ([]domain.Permission, string, error) {
	page := f.Page.Normalize()
	after, ok, err := decodeCursor(page.Cursor)
	if err != nil {
		return nil, "", err
	}
	var c conds
	if f.ObjectType != "" {
		c.add("object_type = %s", f.ObjectType)
	}
	if f.ObjectID != nil {
		c.add("object_id = %s", *f.ObjectID)
	}
	if f.UserID != nil {
		c.add("user_id = %s", *f.UserID)
	}
	if f.Role != "" {
		c.add("role = %s", f.Role)
	}
	if f.GroupID != nil {
		c.add("group_id = %s", *f.GroupID)
	}
	if ok {
		c.add("(created_at, id) > (%s, %s)", after.T, after.ID)
	}
	rows, err := db.q.Query(ctx, `SELECT `+permissionColumns+`, created_at FROM permissions`+c.sql()+
		` ORDER BY created_at, id LIMIT `+c.arg(page.Limit+1), c.args...)
	if err != nil {
		return nil, "", mapErr(err, "permissions")
	}
	type row struct {
		p domain.Permission
		c cursor
	}
	found, err := collect(rows, func(r rowScanner) (row, error) {
		var x row
		var role *string
		err := r.Scan(&x.p.ID, &x.p.ObjectType, &x.p.ObjectID, &x.p.Key, &x.p.UserID, &role, &x.p.GroupID, &x.c.T)
		if role != nil {
			x.p.Role = *role
		}
		x.c.ID = x.p.ID
		return x, err
	})
	if err != nil {
		return nil, "", mapErr(err, "permissions")
	}
	found, next := trimPage(found, page.Limit, func(x *row) cursor { return x.c })
	perms := make([]domain.Permission, len(found))
	for i, x := range found {
		perms[i] = x.p
	}
	return perms, next, nil
}

// ListRoles returns every role, ordered by name.
func (db *DB) ListRoles(ctx context.Context) ([]domain.Role, error) {
	rows, err := db.q.Query(ctx, `SELECT name, description, builtin FROM roles ORDER BY name`)
	if err != nil {
		return nil, mapErr(err, "roles")
	}
	roles, err := collect(rows, func(r rowScanner) (domain.Role, error) {
		var x domain.Role
		err := r.Scan(&x.Name, &x.Description, &x.Builtin)
		return x, err
	})
	return roles, mapErr(err, "roles")
}

// CreateRole stores a custom role (Builtin is ignored). It returns
// KindInvalid for a bad name and KindConflict if the role exists.
func (db *DB) CreateRole(ctx context.Context, r *domain.Role) error {
	var v domain.Validator
	v.Check(domain.ValidSlug(r.Name), "name", "must be lower-case letters, digits and inner hyphens")
	v.Check(len(r.Description) <= 2000, "description", "must be at most 2000 characters")
	if err := v.Err(); err != nil {
		return err
	}
	r.Builtin = false
	_, err := db.q.Exec(ctx, `INSERT INTO roles (name, description) VALUES ($1, $2)`, r.Name, r.Description)
	return mapErr(err, "role")
}

// DeleteRole deletes a custom role and every grant of it. It returns
// KindNotFound, or KindConflict for a built-in role.
func (db *DB) DeleteRole(ctx context.Context, name string) error {
	var builtin bool
	err := db.q.QueryRow(ctx, `DELETE FROM roles WHERE name = $1 AND NOT builtin RETURNING builtin`, name).Scan(&builtin)
	if !errors.Is(err, pgx.ErrNoRows) {
		return mapDeleteErr(err, "role "+quote(name))
	}
	err = db.q.QueryRow(ctx, `SELECT builtin FROM roles WHERE name = $1`, name).Scan(&builtin)
	if err != nil {
		return mapErr(err, "role "+quote(name))
	}
	return domain.Conflictf("role %q is built in and cannot be deleted", name)
}
