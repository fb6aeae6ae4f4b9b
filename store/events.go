package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

const eventColumns = `ev.id, ev.name, ev.short_name, ev.description, ev.environment_id, ev.owner_id, ev.starts_at,
	ev.ends_at, ev.lead_time, ev.transition_period, ev.state, ev.created_at, ev.updated_at`

func scanEvent(r rowScanner) (domain.Event, error) {
	var e domain.Event
	err := r.Scan(&e.ID, &e.Name, &e.ShortName, &e.Description, &e.EnvironmentID, &e.OwnerID, &e.StartsAt,
		&e.EndsAt, &e.LeadTime, &e.TransitionPeriod, &e.State, &e.CreatedAt, &e.UpdatedAt)
	return e, err
}

// CreateEvent stores e and grants its owner domain.OwnerKeys, in one
// transaction, assigning ID (unless set) and timestamps; an empty State
// becomes planned. It returns KindInvalid for invalid fields or an unknown
// environment or owner, and KindConflict (field short_name) when an event
// that is not decommissioned or cancelled has the short name.
func (db *DB) CreateEvent(ctx context.Context, e *domain.Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.State == "" {
		e.State = domain.EventPlanned
	}
	return db.inTx(ctx, func(tx *DB) error {
		err := tx.q.QueryRow(ctx, `
			INSERT INTO events (id, name, short_name, description, environment_id, owner_id, starts_at, ends_at,
				lead_time, transition_period, state)
			VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING id, created_at, updated_at`,
			nullID(e.ID), e.Name, e.ShortName, e.Description, e.EnvironmentID, e.OwnerID, e.StartsAt, e.EndsAt,
			e.LeadTime, e.TransitionPeriod, e.State,
		).Scan(&e.ID, &e.CreatedAt, &e.UpdatedAt)
		if err != nil {
			return mapErr(err, "event")
		}
		return tx.GrantOwner(ctx, domain.ObjectEvent, e.ID, e.OwnerID)
	})
}

// FindEvent returns the event or KindNotFound.
func (db *DB) FindEvent(ctx context.Context, id uuid.UUID) (*domain.Event, error) {
	e, err := scanEvent(db.q.QueryRow(ctx, `SELECT `+eventColumns+` FROM events ev WHERE ev.id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "event "+id.String())
	}
	return &e, nil
}

// takesPart matches events the user %[1]s takes part in, directly or
// through a group.
const takesPart = `(EXISTS (SELECT 1 FROM event_participants p WHERE p.event_id = ev.id AND p.user_id = %[1]s)
	OR EXISTS (SELECT 1 FROM event_groups g JOIN group_members gm ON gm.group_id = g.group_id
		WHERE g.event_id = ev.id AND gm.user_id = %[1]s))`

// ListEvents returns events ordered by start time, and the cursor of the
// next page.
func (db *DB) ListEvents(ctx context.Context, f domain.EventFilter) ([]domain.Event, string, error) {
	var c conds
	if f.OwnerID != nil {
		c.add("ev.owner_id = %s", *f.OwnerID)
	}
	if f.EnvironmentID != nil {
		c.add("ev.environment_id = %s", *f.EnvironmentID)
	}
	if f.ParticipantID != nil {
		c.add(takesPart, *f.ParticipantID)
	}
	if f.VisibleTo != nil {
		c.add(`(ev.owner_id = %[1]s OR EXISTS (SELECT 1 FROM permissions pm
			WHERE pm.object_type = 'event' AND pm.object_id = ev.id AND (pm.user_id = %[1]s
				OR pm.group_id IN (SELECT group_id FROM group_members WHERE user_id = %[1]s))) OR `+takesPart+`)`, *f.VisibleTo)
	}
	if f.State != "" {
		c.add("ev.state = %s", f.State)
	}
	return list(ctx, db, listQuery[domain.Event]{
		from: "events ev", columns: eventColumns, orderBy: "ev.starts_at, ev.id", what: "events",
		after: func(c *conds, at cursor) { c.add("(ev.starts_at, ev.id) > (%s, %s)", at.T, at.ID) },
		scan:  scanEvent,
		key:   func(e *domain.Event) cursor { return cursor{T: e.StartsAt, ID: e.ID} },
	}, c, f.Page)
}

// UpdateEvent stores name, short name, description, environment, owner
// and schedule (not the state: see SetEventState), refreshing UpdatedAt
// and e.State. It returns KindNotFound, KindInvalid, or KindConflict for
// a short name a live event has.
func (db *DB) UpdateEvent(ctx context.Context, e *domain.Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		UPDATE events SET name = $2, short_name = $3, description = $4, environment_id = $5, owner_id = $6,
			starts_at = $7, ends_at = $8, lead_time = $9, transition_period = $10, updated_at = now()
		WHERE id = $1 RETURNING state, created_at, updated_at`,
		e.ID, e.Name, e.ShortName, e.Description, e.EnvironmentID, e.OwnerID, e.StartsAt, e.EndsAt,
		e.LeadTime, e.TransitionPeriod,
	).Scan(&e.State, &e.CreatedAt, &e.UpdatedAt)
	return mapErr(err, "event "+e.ID.String())
}

// SetEventState stores the event's lifecycle state. It returns
// KindNotFound or KindInvalid.
func (db *DB) SetEventState(ctx context.Context, id uuid.UUID, state domain.EventState) error {
	tag, err := db.q.Exec(ctx, `UPDATE events SET state = $2, updated_at = now() WHERE id = $1`, id, state)
	if err != nil {
		return mapErr(err, "event "+id.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("event %s not found", id)
	}
	return nil
}

// DeleteEvent deletes the event, its participants, groups and items and
// the permissions granted on it. It returns KindNotFound, or KindConflict
// while VMs belong to it.
func (db *DB) DeleteEvent(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "events", domain.ObjectEvent, id)
}

var _ domain.EventStore = (*DB)(nil)
