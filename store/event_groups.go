package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

// AddEventGroup adds a group to an event, or changes its role if it takes
// part already, and sets g.AddedAt. It returns KindInvalid for a bad role
// or an unknown event or group.
func (db *DB) AddEventGroup(ctx context.Context, g *domain.EventGroup) error {
	if err := g.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO event_groups (event_id, group_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (event_id, group_id) DO UPDATE SET role = excluded.role
		RETURNING added_at`, g.EventID, g.GroupID, g.Role).Scan(&g.AddedAt)
	return mapErr(err, "event "+g.EventID.String())
}

// RemoveEventGroup removes a group from an event. It returns KindNotFound
// when the group does not take part.
func (db *DB) RemoveEventGroup(ctx context.Context, eventID, groupID uuid.UUID) error {
	tag, err := db.q.Exec(ctx, `DELETE FROM event_groups WHERE event_id = $1 AND group_id = $2`, eventID, groupID)
	if err != nil {
		return mapErr(err, "event "+eventID.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("group %s does not take part in event %s", groupID, eventID)
	}
	return nil
}

// ListEventGroups returns the groups taking part in the event, in the
// order they were added. It returns KindNotFound for an unknown event.
func (db *DB) ListEventGroups(ctx context.Context, eventID uuid.UUID) ([]domain.EventGroup, error) {
	if err := db.requireEvent(ctx, eventID); err != nil {
		return nil, err
	}
	rows, err := db.q.Query(ctx, `SELECT event_id, group_id, role, added_at FROM event_groups
		WHERE event_id = $1 ORDER BY added_at, group_id`, eventID)
	if err != nil {
		return nil, mapErr(err, "event groups")
	}
	gs, err := collect(rows, func(r rowScanner) (domain.EventGroup, error) {
		var g domain.EventGroup
		err := r.Scan(&g.EventID, &g.GroupID, &g.Role, &g.AddedAt)
		return g, err
	})
	return gs, mapErr(err, "event groups")
}

// eventRoles lists (user_id, role) for every way a user takes part in
// event $1: directly and through each group.
const eventRoles = `
	SELECT user_id, role FROM event_participants WHERE event_id = $1
	UNION ALL
	SELECT gm.user_id, g.role FROM event_groups g JOIN group_members gm ON gm.group_id = g.group_id
	WHERE g.event_id = $1`

// strongestRole picks instructor over participant.
const strongestRole = `CASE WHEN bool_or(r.role = 'instructor') THEN 'instructor' ELSE 'participant' END`

// EventMembers resolves the event's users: its direct participants and
// the members of its groups, each once with the strongest role they hold
// (instructor over participant), ordered by username. It returns
// KindNotFound for an unknown event.
func (db *DB) EventMembers(ctx context.Context, eventID uuid.UUID) ([]domain.EventMember, error) {
	if err := db.requireEvent(ctx, eventID); err != nil {
		return nil, err
	}
	rows, err := db.q.Query(ctx, `
		SELECT u.id, u.username, u.display_name, u.email, `+strongestRole+`
		FROM (`+eventRoles+`) r JOIN users u ON u.id = r.user_id
		GROUP BY u.id ORDER BY u.username`, eventID)
	if err != nil {
		return nil, mapErr(err, "event members")
	}
	ms, err := collect(rows, func(r rowScanner) (domain.EventMember, error) {
		var m domain.EventMember
		err := r.Scan(&m.UserID, &m.Username, &m.DisplayName, &m.Email, &m.Role)
		return m, err
	})
	return ms, mapErr(err, "event members")
}

// EventRole returns the strongest role userID holds in the event, directly
// or through a group, or "" when they take no part (or there is no such
// event).
func (db *DB) EventRole(ctx context.Context, eventID, userID uuid.UUID) (string, error) {
	var role *string
	err := db.q.QueryRow(ctx, `
		SELECT `+strongestRole+` FROM (`+eventRoles+`) r WHERE r.user_id = $2 HAVING count(*) > 0`,
		eventID, userID).Scan(&role)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return "", nil
		}
		return "", mapErr(err, "event "+eventID.String())
	}
	return *role, nil
}
