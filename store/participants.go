package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// AddParticipant adds a user to an event, or changes their role if they
// take part already, and sets p.AddedAt. It returns KindInvalid for a bad
// role or an unknown event or user.
func (db *DB) AddParticipant(ctx context.Context, p *domain.EventParticipant) error {
	if err := p.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO event_participants (event_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (event_id, user_id) DO UPDATE SET role = excluded.role
		RETURNING added_at`, p.EventID, p.UserID, p.Role).Scan(&p.AddedAt)
	return mapErr(err, "event "+p.EventID.String())
}

// RemoveParticipant removes a user from an event. It returns KindNotFound
// when the user does not take part.
func (db *DB) RemoveParticipant(ctx context.Context, eventID, userID uuid.UUID) error {
	tag, err := db.q.Exec(ctx, `DELETE FROM event_participants WHERE event_id = $1 AND user_id = $2`, eventID, userID)
	if err != nil {
		return mapErr(err, "event "+eventID.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("user %s does not take part in event %s", userID, eventID)
	}
	return nil
}

// ListParticipants returns everyone taking part in the event, in the
// order they were added. It returns KindNotFound for an unknown event.
func (db *DB) ListParticipants(ctx context.Context, eventID uuid.UUID) ([]domain.EventParticipant, error) {
	if err := db.requireEvent(ctx, eventID); err != nil {
		return nil, err
	}
	rows, err := db.q.Query(ctx, `SELECT event_id, user_id, role, added_at FROM event_participants
		WHERE event_id = $1 ORDER BY added_at, user_id`, eventID)
	if err != nil {
		return nil, mapErr(err, "participants")
	}
	ps, err := collect(rows, func(r rowScanner) (domain.EventParticipant, error) {
		var p domain.EventParticipant
		err := r.Scan(&p.EventID, &p.UserID, &p.Role, &p.AddedAt)
		return p, err
	})
	return ps, mapErr(err, "participants")
}

// requireEvent returns KindNotFound unless the event exists.
func (db *DB) requireEvent(ctx context.Context, eventID uuid.UUID) error {
	var exists bool
	if err := db.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE id = $1)`, eventID).Scan(&exists); err != nil {
		return mapErr(err, "event "+eventID.String())
	}
	if !exists {
		return domain.NotFoundf("event %s not found", eventID)
	}
	return nil
}
