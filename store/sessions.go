package store

import (
	"context"

	"github.com/labforge/labforge/domain"
)

var _ domain.SessionStore = (*DB)(nil)

const sessionColumns = `s.token_hash, s.user_id, s.csrf_token, s.method, s.client_ip, s.user_agent,
	s.created_at, s.last_seen_at, s.idle_timeout, s.expires_at, s.revoked_at`

func scanSession(r rowScanner) (domain.Session, error) {
	var s domain.Session
	err := r.Scan(&s.TokenHash, &s.UserID, &s.CSRFToken, &s.Method, &s.ClientIP, &s.UserAgent,
		&s.CreatedAt, &s.LastSeenAt, &s.IdleTimeout, &s.ExpiresAt, &s.RevokedAt)
	return s, err
}

// CreateSession stores s, assigning CreatedAt and LastSeenAt, and deletes
// the user's sessions that ended more than a day ago. It returns
// KindInvalid for an unknown user.
func (db *DB) CreateSession(ctx context.Context, s *domain.Session) error {
	return db.inTx(ctx, func(tx *DB) error {
		if _, err := tx.q.Exec(ctx, `
			DELETE FROM sessions
			WHERE user_id = $1 AND (revoked_at < now() - interval '1 day' OR expires_at < now() - interval '1 day'
				OR last_seen_at + idle_timeout < now() - interval '1 day')`, s.UserID); err != nil {
			return mapErr(err, "session")
		}
		err := tx.q.QueryRow(ctx, `
			INSERT INTO sessions (token_hash, user_id, csrf_token, method, client_ip, user_agent, idle_timeout, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			RETURNING created_at, last_seen_at`,
			s.TokenHash, s.UserID, s.CSRFToken, s.Method, s.ClientIP, s.UserAgent, s.IdleTimeout, s.ExpiresAt,
		).Scan(&s.CreatedAt, &s.LastSeenAt)
		return mapErr(err, "session")
	})
}

// FindSession returns the session of a token hash, ended or not, or an
// error of KindNotFound.
func (db *DB) FindSession(ctx context.Context, tokenHash []byte) (*domain.Session, error) {
	s, err := scanSession(db.q.QueryRow(ctx, `SELECT `+sessionColumns+` FROM sessions s WHERE s.token_hash = $1`, tokenHash))
	if err != nil {
		return nil, mapErr(err, "session")
	}
	return &s, nil
}

// TouchSession records a request of the session now.
func (db *DB) TouchSession(ctx context.Context, tokenHash []byte) error {
	_, err := db.q.Exec(ctx, `UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1`, tokenHash)
	return mapErr(err, "session")
}

// RevokeSession ends the session; ending an ended or unknown one is not
// an error.
func (db *DB) RevokeSession(ctx context.Context, tokenHash []byte) error {
	_, err := db.q.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash)
	return mapErr(err, "session")
}
