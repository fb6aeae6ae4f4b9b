package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// AddCollaborator grants user the domain.CollaboratorKeys on the
// container, in one transaction; adding again changes nothing. It returns
// KindNotFound for an unknown container and KindInvalid for an unknown
// user or the container's owner.
func (db *DB) AddCollaborator(ctx context.Context, id, userID uuid.UUID) error {
	return db.inTx(ctx, func(tx *DB) error {
		var owner uuid.UUID
		if err := tx.q.QueryRow(ctx, `SELECT owner_id FROM containers WHERE id = $1 FOR UPDATE`, id).Scan(&owner); err != nil {
			return mapErr(err, "container "+id.String())
		}
		if owner == userID {
			return &domain.Error{Kind: domain.KindInvalid, Message: "the owner cannot be a collaborator of their own container",
				Fields: map[string]string{"user_id": "is the container's owner"}}
		}
		for _, k := range domain.CollaboratorKeys {
			p := domain.Permission{ObjectType: domain.ObjectContainer, ObjectID: &id, Key: k, UserID: &userID}
			if err := tx.GrantPermission(ctx, &p); err != nil {
				if domain.IsKind(err, domain.KindInvalid) {
					return &domain.Error{Kind: domain.KindInvalid, Message: "user " + userID.String() + " does not exist",
						Fields: map[string]string{"user_id": "must name an existing user"}}
				}
				return err
			}
		}
		return nil
	})
}

// RemoveCollaborator revokes every key user holds on the container. It
// returns KindNotFound when the user holds none, and KindInvalid for the
// owner, whose keys only go with the container.
func (db *DB) RemoveCollaborator(ctx context.Context, id, userID uuid.UUID) error {
	return db.inTx(ctx, func(tx *DB) error {
		var owner uuid.UUID
		if err := tx.q.QueryRow(ctx, `SELECT owner_id FROM containers WHERE id = $1 FOR UPDATE`, id).Scan(&owner); err != nil {
			return mapErr(err, "container "+id.String())
		}
		if owner == userID {
			return domain.Errorf(domain.KindInvalid, "the owner of a container is not a collaborator")
		}
		tag, err := tx.q.Exec(ctx, `DELETE FROM permissions WHERE object_type = $1 AND object_id = $2 AND user_id = $3`,
			domain.ObjectContainer, id, userID)
		if err != nil {
			return mapErr(err, "collaborator")
		}
		if tag.RowsAffected() == 0 {
			return domain.NotFoundf("user %s is no collaborator of container %s", userID, id)
		}
		return nil
	})
}

// ListCollaborators returns the users other than the owner who hold keys
// on the container, by username, each with the time of their first grant.
func (db *DB) ListCollaborators(ctx context.Context, id uuid.UUID) ([]domain.Collaborator, error) {
	rows, err := db.q.Query(ctx, `
		SELECT u.id, u.username, min(p.created_at)
		FROM permissions p JOIN users u ON u.id = p.user_id JOIN containers c ON c.id = p.object_id
		WHERE p.object_type = $1 AND p.object_id = $2 AND p.user_id <> c.owner_id
		GROUP BY u.id, u.username ORDER BY u.username`, domain.ObjectContainer, id)
	if err != nil {
		return nil, mapErr(err, "collaborators")
	}
	out, err := collect(rows, func(r rowScanner) (domain.Collaborator, error) {
		var c domain.Collaborator
		err := r.Scan(&c.UserID, &c.Username, &c.AddedAt)
		return c, err
	})
	return out, mapErr(err, "collaborators")
}
