package store

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

const stepColumns = `seq, name, state, error, attempts, started_at, ended_at`

// stepRow is an operation step with its position in the history.
type stepRow struct {
	seq int
	domain.OperationStep
}

func scanStep(r rowScanner) (stepRow, error) {
	var s stepRow
	err := r.Scan(&s.seq, &s.Name, &s.State, &s.Error, &s.Attempts, &s.StartedAt, &s.EndedAt)
	return s, err
}

// recordStep applies report r, made at now, to the step history of
// operation id (domain.ApplyStepReport). The caller holds the operation's
// row lock, so reports of one operation apply one at a time.
func (db *DB) recordStep(ctx context.Context, id uuid.UUID, r domain.StepReport, now time.Time) error {
	last, err := scanStep(db.q.QueryRow(ctx, `SELECT `+stepColumns+` FROM operation_steps
		WHERE operation_id = $1 ORDER BY seq DESC LIMIT 1`, id))
	var lastStep *domain.OperationStep
	switch {
	case err == nil:
		lastStep = &last.OperationStep
	case !errors.Is(err, pgx.ErrNoRows):
		return mapErr(err, "steps of operation "+id.String())
	}
	changed, opened := domain.ApplyStepReport(lastStep, r, now)
	if changed != nil {
		_, err := db.q.Exec(ctx, `UPDATE operation_steps SET state = $3, error = $4, attempts = $5, ended_at = $6
			WHERE operation_id = $1 AND seq = $2`,
			id, last.seq, changed.State, changed.Error, changed.Attempts, changed.EndedAt)
		if err != nil {
			return mapErr(err, "step "+quote(changed.Name)+" of operation "+id.String())
		}
	}
	if opened != nil {
		_, err := db.q.Exec(ctx, `INSERT INTO operation_steps (operation_id, seq, name, state, error, attempts, started_at, ended_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			id, last.seq+1, opened.Name, opened.State, opened.Error, opened.Attempts, opened.StartedAt, opened.EndedAt)
		if err != nil {
			return mapErr(err, "step "+quote(opened.Name)+" of operation "+id.String())
		}
	}
	return nil
}

// ListOperationSteps returns the operation's step history, oldest first
// (empty for an unknown operation).
func (db *DB) ListOperationSteps(ctx context.Context, id uuid.UUID) ([]domain.OperationStep, error) {
	rows, err := db.q.Query(ctx, `SELECT `+stepColumns+` FROM operation_steps WHERE operation_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, mapErr(err, "steps of operation "+id.String())
	}
	steps, err := collect(rows, func(r rowScanner) (domain.OperationStep, error) {
		s, err := scanStep(r)
		return s.OperationStep, err
	})
	return steps, mapErr(err, "steps of operation "+id.String())
}
