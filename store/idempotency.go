package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

var _ domain.IdempotencyStore = (*DB)(nil)

// ClaimIdempotencyKey marks key as in progress for user, or returns the
// stored answer of the same request; see domain.IdempotencyStore.
//
// The claim is one INSERT: of two concurrent requests with the same key,
// PostgreSQL lets exactly one insert the row (or take over an expired or
// abandoned one); the other finds that row and answers from it.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, user uuid.UUID, key, fingerprint string) (*domain.IdempotentResponse, error) {
	window, stale := domain.IdempotencyWindow.Seconds(), domain.IdempotencyStaleAfter.Seconds()
	if _, err := db.q.Exec(ctx, `
		DELETE FROM idempotency_keys WHERE user_id = $1 AND created_at < now() - make_interval(secs => $2)`,
		user, window); err != nil {
		return nil, mapErr(err, "Idempotency-Key")
	}
	// A row the DELETE above did not see, or one deleted between the
	// statements below, sends the loop round again; twice is plenty.
	for range 3 {
		var claimed bool
		err := db.q.QueryRow(ctx, `
			INSERT INTO idempotency_keys AS i (user_id, key, fingerprint) VALUES ($1, $2, $3)
			ON CONFLICT (user_id, key) DO UPDATE
				SET fingerprint = EXCLUDED.fingerprint, created_at = now(), status = NULL, location = '', body = NULL
				WHERE i.created_at < now() - make_interval(secs => $4)
					OR (i.status IS NULL AND i.fingerprint = EXCLUDED.fingerprint AND i.created_at < now() - make_interval(secs => $5))
			RETURNING true`, user, key, fingerprint, window, stale).Scan(&claimed)
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, mapErr(err, "Idempotency-Key")
		}
		var (
			stored string
			status *int
			resp   domain.IdempotentResponse
		)
		err = db.q.QueryRow(ctx, `
			SELECT fingerprint, status, location, coalesce(body, ''::bytea) FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
			user, key).Scan(&stored, &status, &resp.Location, &resp.Body)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, mapErr(err, "Idempotency-Key")
		}
		switch {
		case stored != fingerprint:
			return nil, domain.Errorf(domain.KindUnprocessable,
				"this Idempotency-Key was already used for a different request; send a new Idempotency-Key for a new request")
		case status == nil:
			return nil, domain.Conflictf("a request with this Idempotency-Key is in progress")
		}
		resp.Status = *status
		return &resp, nil
	}
	return nil, domain.Conflictf("a request with this Idempotency-Key is in progress")
}

// CompleteIdempotencyKey stores the answer of the request holding key.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, user uuid.UUID, key string, resp domain.IdempotentResponse) error {
	_, err := db.q.Exec(ctx, `
		UPDATE idempotency_keys SET status = $3, location = $4, body = $5
		WHERE user_id = $1 AND key = $2 AND status IS NULL`,
		user, key, resp.Status, resp.Location, resp.Body)
	return mapErr(err, "Idempotency-Key")
}

// ReleaseIdempotencyKey forgets key while it is in progress, so that the
// request may be sent again with it.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, user uuid.UUID, key string) error {
	_, err := db.q.Exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL`, user, key)
	return mapErr(err, "Idempotency-Key")
}
