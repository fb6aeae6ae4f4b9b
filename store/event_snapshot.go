package store

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// SnapshotEnvironment stores the event's environment as it is now (its
// machines and sealed connection passwords included) as the event's
// snapshot, once: when one is stored already, it is returned unchanged,
// so edits to the environment after the event deployed do not reach it.
// It returns KindNotFound for an unknown event.
func (db *DB) SnapshotEnvironment(ctx context.Context, eventID uuid.UUID) (*domain.Environment, error) {
	var snap *domain.Environment
	err := db.inTx(ctx, func(tx *DB) error {
		var envID uuid.UUID
		var raw []byte
		err := tx.q.QueryRow(ctx, `SELECT environment_id, environment_snapshot FROM events WHERE id = $1 FOR UPDATE`,
			eventID).Scan(&envID, &raw)
		if err != nil {
			return mapErr(err, "event "+eventID.String())
		}
		if raw != nil {
			snap = &domain.Environment{}
			return json.Unmarshal(raw, snap)
		}
		if snap, err = tx.FindEnvironment(ctx, envID); err != nil {
			return err
		}
		_, err = tx.q.Exec(ctx, `UPDATE events SET environment_snapshot = $2, updated_at = now() WHERE id = $1`, eventID, snap)
		return mapErr(err, "event "+eventID.String())
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// EnvironmentSnapshot returns the event's environment snapshot, or nil
// when the event has not deployed yet. It returns KindNotFound for an
// unknown event.
func (db *DB) EnvironmentSnapshot(ctx context.Context, eventID uuid.UUID) (*domain.Environment, error) {
	var snap *domain.Environment
	err := db.q.QueryRow(ctx, `SELECT environment_snapshot FROM events WHERE id = $1`, eventID).Scan(&snap)
	if err != nil {
		return nil, mapErr(err, "event "+eventID.String())
	}
	return snap, nil
}
