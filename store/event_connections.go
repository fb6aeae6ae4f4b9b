package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

var (
	_ domain.EventConnectionStore = (*DB)(nil)
	_ domain.EventCourseStore     = (*DB)(nil)
)

const eventConnectionColumns = `event_id, user_id, vm_id, template_position, guacamole_user, guacamole_id, name,
	url, state, updated_at`

func scanEventConnection(r rowScanner) (domain.EventConnection, error) {
	var c domain.EventConnection
	err := r.Scan(&c.EventID, &c.UserID, &c.VMID, &c.TemplatePosition, &c.GuacamoleUser, &c.GuacamoleID, &c.Name,
		&c.URL, &c.State, &c.UpdatedAt)
	return c, err
}

// RecordEventConnection stores c, keyed by event, VM and template
// position, replacing the row of the same key, and sets c.UpdatedAt. An
// empty state is active. It returns KindInvalid for bad fields or an
// unknown event, user or VM.
func (db *DB) RecordEventConnection(ctx context.Context, c *domain.EventConnection) error {
	if c.State == "" {
		c.State = domain.ConnectionActive
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO event_connections (event_id, user_id, vm_id, template_position, guacamole_user, guacamole_id,
			name, url, state, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, clock_timestamp())
		ON CONFLICT (event_id, vm_id, template_position) DO UPDATE SET user_id = excluded.user_id,
			guacamole_user = excluded.guacamole_user, guacamole_id = excluded.guacamole_id, name = excluded.name,
			url = excluded.url, state = excluded.state, updated_at = clock_timestamp()
		RETURNING updated_at`,
		c.EventID, c.UserID, c.VMID, c.TemplatePosition, c.GuacamoleUser, c.GuacamoleID, c.Name, c.URL, c.State,
	).Scan(&c.UpdatedAt)
	return mapErr(err, "event "+c.EventID.String())
}

// ListEventConnections returns the event's connections ordered by VM and
// template position; a non-nil userID keeps that participant's only.
func (db *DB) ListEventConnections(ctx context.Context, eventID uuid.UUID, userID *uuid.UUID) ([]domain.EventConnection, error) {
	rows, err := db.q.Query(ctx, `SELECT `+eventConnectionColumns+` FROM event_connections
		WHERE event_id = $1 AND ($2::uuid IS NULL OR user_id = $2)
		ORDER BY vm_id, template_position`, eventID, userID)
	if err != nil {
		return nil, mapErr(err, "event connections")
	}
	out, err := collect(rows, scanEventConnection)
	return out, mapErr(err, "event connections")
}

// SetEventConnectionState moves one connection to state. It returns
// KindNotFound for an unknown connection and KindInvalid for a bad state.
func (db *DB) SetEventConnectionState(ctx context.Context, eventID, vmID uuid.UUID, position int, state domain.EventConnectionState) error {
	tag, err := db.q.Exec(ctx, `UPDATE event_connections SET state = $4, updated_at = clock_timestamp()
		WHERE event_id = $1 AND vm_id = $2 AND template_position = $3`, eventID, vmID, position, state)
	if err != nil {
		return mapErr(err, "event connection")
	}
	if tag.RowsAffected() == 0 {
		return domain.Errorf(domain.KindNotFound, "event connection not found")
	}
	return nil
}

// SetEventMoodleCourse stores the id of the event's Moodle course; 0
// clears it. It returns KindNotFound for an unknown event.
func (db *DB) SetEventMoodleCourse(ctx context.Context, eventID uuid.UUID, courseID int) error {
	var id *int
	if courseID != 0 {
		id = &courseID
	}
	tag, err := db.q.Exec(ctx, `UPDATE events SET moodle_course_id = $2, updated_at = now() WHERE id = $1`, eventID, id)
	if err != nil {
		return mapErr(err, "event "+eventID.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.Errorf(domain.KindNotFound, "event %s not found", eventID)
	}
	return nil
}

// EventMoodleCourse returns the id of the event's Moodle course, 0 when
// none is stored. It returns KindNotFound for an unknown event.
func (db *DB) EventMoodleCourse(ctx context.Context, eventID uuid.UUID) (int, error) {
	var id *int
	err := db.q.QueryRow(ctx, `SELECT moodle_course_id FROM events WHERE id = $1`, eventID).Scan(&id)
	if err != nil {
		return 0, mapErr(err, "event "+eventID.String())
	}
	if id == nil {
		return 0, nil
	}
	return *id, nil
}
