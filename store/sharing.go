package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// ShareObject grants each of keys on one object to the grantee, in one
// transaction, and returns the stored grants in the order of keys.
// Granting a key again returns the stored grant. It returns KindInvalid for
// an unknown user or group.
func (db *DB) ShareObject(ctx context.Context, objectType string, objectID uuid.UUID, to domain.Grantee, keys []domain.Key) ([]domain.Permission, error) {
	out := make([]domain.Permission, 0, len(keys))
	err := db.inTx(ctx, func(tx *DB) error {
		out = out[:0]
		for _, k := range keys {
			p := domain.Permission{ObjectType: objectType, ObjectID: &objectID, Key: k, UserID: to.UserID, GroupID: to.GroupID}
			if err := tx.GrantPermission(ctx, &p); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// UnshareObject revokes what the grantee holds on one object: every key,
// or only key when it is set. It returns the revoked grants, or
// KindNotFound when there were none.
func (db *DB) UnshareObject(ctx context.Context, objectType string, objectID uuid.UUID, from domain.Grantee, key domain.Key) ([]domain.Permission, error) {
	rows, err := db.q.Query(ctx, `DELETE FROM permissions
		WHERE object_type = $1 AND object_id = $2
			AND user_id IS NOT DISTINCT FROM $3 AND group_id IS NOT DISTINCT FROM $4 AND role IS NULL
			AND ($5 = '' OR key = $5)
		RETURNING `+permissionColumns, objectType, objectID, from.UserID, from.GroupID, string(key))
	if err != nil {
		return nil, mapErr(err, "permissions")
	}
	gone, err := collect(rows, scanPermission)
	if err != nil {
		return nil, mapErr(err, "permissions")
	}
	if len(gone) == 0 {
		return nil, domain.NotFoundf("no matching permission on %s %s", objectType, objectID)
	}
	return gone, nil
}

// RolePermissions returns the type-level grants of every role, by role
// name, each role's ordered by object type and key.
func (db *DB) RolePermissions(ctx context.Context) (map[string][]domain.Permission, error) {
	rows, err := db.q.Query(ctx, `SELECT `+permissionColumns+` FROM permissions
		WHERE role IS NOT NULL AND object_id IS NULL ORDER BY role, object_type, key`)
	if err != nil {
		return nil, mapErr(err, "permissions")
	}
	perms, err := collect(rows, scanPermission)
	if err != nil {
		return nil, mapErr(err, "permissions")
	}
	out := map[string][]domain.Permission{}
	for _, p := range perms {
		out[p.Role] = append(out[p.Role], p)
	}
	return out, nil
}

// CreateRoleWithPermissions stores a custom role and grants it perms (each
// an object type and a key; ObjectID, UserID and GroupID are ignored), in
// one transaction. It returns what CreateRole and GrantPermission return.
func (db *DB) CreateRoleWithPermissions(ctx context.Context, r *domain.Role, perms []domain.Permission) error {
	return db.inTx(ctx, func(tx *DB) error {
		if err := tx.CreateRole(ctx, r); err != nil {
			return err
		}
		for i := range perms {
			p := &perms[i]
			p.ObjectID, p.UserID, p.GroupID, p.Role = nil, nil, nil, r.Name
			if err := tx.GrantPermission(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}
