package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

const eventColumns = `id, name, environment_id, owner_id, starts_at, ends_at, lead_time, transition_period, state,
	created_at, updated_at`

func scanEvent(r rowScanner) (domain.Event, error) {
	var e domain.Event
	err := r.Scan(&e.ID, &e.Name, &e.EnvironmentID, &e.OwnerID, &e.StartsAt, &e.EndsAt, &e.LeadTime,
		&e.TransitionPeriod, &e.State, &e.CreatedAt, &e.UpdatedAt)
	return e, err
}

// CreateEvent stores e, assigning ID (unless set) and timestamps; an empty
// State becomes scheduled. It returns KindInvalid for invalid fields or an
// unknown environment or owner.
func (db *DB) CreateEvent(ctx context.Context, e *domain.Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.State == "" {
		e.State = domain.EventScheduled
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO events (id, name, environment_id, owner_id, starts_at, ends_at, lead_time, transition_period, state)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING id, created_at, updated_at`,
		nullID(e.ID), e.Name, e.EnvironmentID, e.OwnerID, e.StartsAt, e.EndsAt, e.LeadTime, e.TransitionPeriod, e.State,
	).Scan(&e.ID, &e.CreatedAt, &e.UpdatedAt)
	return mapErr(err, "event")
}

// FindEvent returns the event or KindNotFound.
func (db *DB) FindEvent(ctx context.Context, id uuid.UUID) (*domain.Event, error) {
	e, err := scanEvent(db.q.QueryRow(ctx, `SELECT `+eventColumns+` FROM events WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "event "+id.String())
	}
	return &e, nil
}

// ListEvents returns events ordered by start time, and the cursor of the
// next page.
func (db *DB) ListEvents(ctx context.Context, f domain.EventFilter) ([]domain.Event, string, error) {
	var c conds
	if f.OwnerID != nil {
		c.add("owner_id = %s", *f.OwnerID)
	}
	if f.EnvironmentID != nil {
		c.add("environment_id = %s", *f.EnvironmentID)
	}
	if f.ParticipantID != nil {
		c.add("id IN (SELECT event_id FROM event_participants WHERE user_id = %s)", *f.ParticipantID)
	}
	if f.State != "" {
		c.add("state = %s", f.State)
	}
	return list(ctx, db, listQuery[domain.Event]{
		from: "events", columns: eventColumns, orderBy: "starts_at, id", what: "events",
		after: func(c *conds, at cursor) { c.add("(starts_at, id) > (%s, %s)", at.T, at.ID) },
		scan:  scanEvent,
		key:   func(e *domain.Event) cursor { return cursor{T: e.StartsAt, ID: e.ID} },
	}, c, f.Page)
}

// UpdateEvent stores name, environment, owner, schedule and state,
// refreshing UpdatedAt. It returns KindNotFound or KindInvalid.
func (db *DB) UpdateEvent(ctx context.Context, e *domain.Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		UPDATE events SET name = $2, environment_id = $3, owner_id = $4, starts_at = $5, ends_at = $6,
			lead_time = $7, transition_period = $8, state = $9, updated_at = now()
		WHERE id = $1 RETURNING created_at, updated_at`,
		e.ID, e.Name, e.EnvironmentID, e.OwnerID, e.StartsAt, e.EndsAt, e.LeadTime, e.TransitionPeriod, e.State,
	).Scan(&e.CreatedAt, &e.UpdatedAt)
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

// DeleteEvent deletes the event, its participants and the permissions
// granted on it. It returns KindNotFound, or KindConflict while VMs belong
// to it.
func (db *DB) DeleteEvent(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "events", domain.ObjectEvent, id)
}
