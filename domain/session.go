package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Session is a signed-in console (browser) session. The browser holds a
// random token in an HttpOnly cookie; Labforge keeps only its hash. Every
// unsafe request of the session must carry CSRFToken in a header.
type Session struct {
	TokenHash   []byte
	UserID      uuid.UUID
	CSRFToken   string
	Method      string // how the user signed in: local, ldap, oidc
	ClientIP    string
	UserAgent   string
	CreatedAt   time.Time
	LastSeenAt  time.Time
	IdleTimeout time.Duration
	ExpiresAt   time.Time
	RevokedAt   *time.Time
}

// SessionTouchInterval bounds how often a session's LastSeenAt is written:
// at most once per interval, so that a busy console does not write a row
// on every request.
const SessionTouchInterval = time.Minute

// Ended says why the session no longer signs its user in at now, or ""
// while it is valid.
func (s *Session) Ended(now time.Time) string {
	switch {
	case s.RevokedAt != nil:
		return "your session was ended (signed out, or your password, roles or account changed); sign in again"
	case !now.Before(s.ExpiresAt):
		return "your session has reached its maximum length; sign in again"
	case !now.Before(s.LastSeenAt.Add(s.IdleTimeout)):
		return "your session expired after a period of inactivity; sign in again"
	}
	return ""
}

// NeedsTouch reports whether a request at now should record itself in
// LastSeenAt.
func (s *Session) NeedsTouch(now time.Time) bool {
	return now.Sub(s.LastSeenAt) >= SessionTouchInterval
}

// SessionStore keeps console sessions. A user's sessions are revoked by
// the store itself whenever the user is disabled or their password or
// roles change, and their access tokens' version is raised at the same
// time (User.TokenVersion).
type SessionStore interface {
	// CreateSession stores s, assigning CreatedAt and LastSeenAt, and
	// deletes the user's sessions that ended more than a day ago.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session of a token hash, ended or not, or an
	// error of KindNotFound.
	FindSession(ctx context.Context, tokenHash []byte) (*Session, error)
	// TouchSession records a request of the session now.
	TouchSession(ctx context.Context, tokenHash []byte) error
	// RevokeSession ends the session; ending an ended or unknown one is
	// not an error.
	RevokeSession(ctx context.Context, tokenHash []byte) error
}
