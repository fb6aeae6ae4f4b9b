package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

const groupColumns = `g.id, g.name, g.description, g.created_at,
	ARRAY(SELECT m.user_id FROM group_members m WHERE m.group_id = g.id ORDER BY m.user_id)`

func scanGroup(r rowScanner) (domain.Group, error) {
	var g domain.Group
	err := r.Scan(&g.ID, &g.Name, &g.Description, &g.CreatedAt, &g.MemberIDs)
	return g, err
}

// CreateGroup stores g with its members, assigning ID (unless set) and
// CreatedAt. It returns KindInvalid for invalid fields or unknown members
// and KindConflict when the name is taken.
func (db *DB) CreateGroup(ctx context.Context, g *domain.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *DB) error {
		err := tx.q.QueryRow(ctx, `
			INSERT INTO groups (id, name, description) VALUES (COALESCE($1, gen_random_uuid()), $2, $3)
			RETURNING id, created_at`, nullID(g.ID), g.Name, g.Description).Scan(&g.ID, &g.CreatedAt)
		if err != nil {
			return mapErr(err, "group")
		}
		return tx.setGroupMembers(ctx, g)
	})
}

// setGroupMembers makes the stored members exactly g.MemberIDs.
func (db *DB) setGroupMembers(ctx context.Context, g *domain.Group) error {
	if g.MemberIDs == nil {
		g.MemberIDs = []uuid.UUID{}
	}
	if _, err := db.q.Exec(ctx, `DELETE FROM group_members WHERE group_id = $1 AND user_id <> ALL($2)`, g.ID, g.MemberIDs); err != nil {
		return mapErr(err, "group "+g.ID.String())
	}
	_, err := db.q.Exec(ctx, `
		INSERT INTO group_members (group_id, user_id) SELECT $1, unnest($2::uuid[])
		ON CONFLICT DO NOTHING`, g.ID, g.MemberIDs)
	return mapErr(err, "group "+g.ID.String())
}

// FindGroup returns the group with its members or KindNotFound.
func (db *DB) FindGroup(ctx context.Context, id uuid.UUID) (*domain.Group, error) {
	g, err := scanGroup(db.q.QueryRow(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "group "+id.String())
	}
	return &g, nil
}

// ListGroups returns groups ordered by name, and the cursor of the next page.
func (db *DB) ListGroups(ctx context.Context, page domain.Page) ([]domain.Group, string, error) {
	return list(ctx, db, listQuery[domain.Group]{
		from: "groups g", columns: groupColumns, orderBy: "g.name", what: "groups",
		after: func(c *conds, at cursor) { c.add("g.name > %s", at.S) },
		scan:  scanGroup,
		key:   func(g *domain.Group) cursor { return cursor{S: g.Name} },
	}, conds{}, page)
}

// UpdateGroup stores name, description and members (replacing them). It
// returns KindNotFound, KindInvalid or KindConflict.
func (db *DB) UpdateGroup(ctx context.Context, g *domain.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *DB) error {
		err := tx.q.QueryRow(ctx, `UPDATE groups SET name = $2, description = $3 WHERE id = $1 RETURNING created_at`,
			g.ID, g.Name, g.Description).Scan(&g.CreatedAt)
		if err != nil {
			return mapErr(err, "group "+g.ID.String())
		}
		return tx.setGroupMembers(ctx, g)
	})
}

// DeleteGroup deletes the group, its memberships and the permissions
// granted on it. It returns KindNotFound, or KindConflict while the group
// takes part in events.
func (db *DB) DeleteGroup(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "groups", domain.ObjectGroup, id)
}

// AddGroupMember adds a user to a group; adding a member twice is not an
// error. It returns KindInvalid when the group or user does not exist.
func (db *DB) AddGroupMember(ctx context.Context, groupID, userID uuid.UUID) error {
	_, err := db.q.Exec(ctx, `INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		groupID, userID)
	return mapErr(err, "group "+groupID.String())
}

// RemoveGroupMember removes a user from a group. It returns KindNotFound
// when the user is not a member.
func (db *DB) RemoveGroupMember(ctx context.Context, groupID, userID uuid.UUID) error {
	tag, err := db.q.Exec(ctx, `DELETE FROM group_members WHERE group_id = $1 AND user_id = $2`, groupID, userID)
	if err != nil {
		return mapErr(err, "group "+groupID.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("user %s is not a member of group %s", userID, groupID)
	}
	return nil
}

var _ domain.GroupStore = (*DB)(nil)
