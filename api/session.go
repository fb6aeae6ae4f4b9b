package api

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
)

// Console sessions: the web console signs in with POST /auth/login and
// "session": true, and then authenticates with an HttpOnly cookie instead
// of a bearer token. Because a browser sends the cookie by itself, every
// unsafe request of a session must also carry the session's CSRF token
// in the X-CSRF-Token header, which only the console's own pages can read.
const (
	sessionCookie = "labforge_session"
	csrfHeader    = "X-CSRF-Token"
	// ctxSession holds the *domain.Session a request authenticated with,
	// if it did with one.
	ctxSession = "labforge.session"
)

// SessionPolicy bounds console sessions: a session ends after IdleTimeout
// without a request and MaxAge after sign-in, whichever comes first.
type SessionPolicy struct {
	IdleTimeout time.Duration
	MaxAge      time.Duration
}

// Defaults of a SessionPolicy that leaves its timeouts unset.
const (
	DefaultSessionIdleTimeout = 2 * time.Hour
	DefaultSessionMaxAge      = 12 * time.Hour
)

func (p SessionPolicy) withDefaults() SessionPolicy {
	if p.IdleTimeout <= 0 {
		p.IdleTimeout = DefaultSessionIdleTimeout
	}
	if p.MaxAge <= 0 {
		p.MaxAge = DefaultSessionMaxAge
	}
	return p
}

// SessionResponse describes the caller's console session. The session's
// own token is never in it: it lives in the HttpOnly cookie only.
type SessionResponse struct {
	User *domain.User `json:"user"`
	// CSRFToken must be sent in the X-CSRF-Token header of every POST,
	// PUT, PATCH and DELETE of the session.
	CSRFToken          string    `json:"csrf_token"`
	Method             string    `json:"method"`
	CreatedAt          time.Time `json:"created_at"`
	ExpiresAt          time.Time `json:"expires_at"`
	IdleTimeoutSeconds int       `json:"idle_timeout_seconds"`
}

func sessionResponse(u *domain.User, sess *domain.Session) SessionResponse {
	return SessionResponse{User: u, CSRFToken: sess.CSRFToken, Method: sess.Method, CreatedAt: sess.CreatedAt,
		ExpiresAt: sess.ExpiresAt, IdleTimeoutSeconds: int(sess.IdleTimeout.Seconds())}
}

// startSession opens a console session for u, signed in by method, and
// sets its cookie on the answer.
func (s *Server) startSession(c *gin.Context, u *domain.User, method string) (*domain.Session, error) {
	token, hash := auth.NewSessionToken()
	sess := &domain.Session{TokenHash: hash, UserID: u.ID, CSRFToken: auth.NewCSRFToken(), Method: method,
		ClientIP: c.ClientIP(), UserAgent: truncate(c.Request.UserAgent(), 300),
		IdleTimeout: s.sessionPolicy.IdleTimeout, ExpiresAt: time.Now().Add(s.sessionPolicy.MaxAge)}
	if err := s.sessions.CreateSession(c.Request.Context(), sess); err != nil {
		return nil, err
	}
	s.setSessionCookie(c, token, sess.ExpiresAt)
	return sess, nil
}

// completeSessionSignIn answers a successful sign-in of u that asked for
// a console session: the cookie, and the session without any token.
func (s *Server) completeSessionSignIn(c *gin.Context, u *domain.User, method string) {
	sess, err := s.startSession(c, u, method)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.auditSignIn(c, u, method)
	c.JSON(http.StatusOK, sessionResponse(u, sess))
}

func (s *Server) setSessionCookie(c *gin.Context, token string, expires time.Time) {
	ck := &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode}
	if expires.IsZero() {
		ck.MaxAge = -1 // delete
	} else {
		ck.Expires = expires
		ck.MaxAge = int(time.Until(expires).Seconds())
	}
	http.SetCookie(c.Writer, ck)
}

// getSession answers GET /auth/session: the caller's console session, so
// that a reloaded console finds its CSRF token again.
func (s *Server) getSession(c *gin.Context) {
	sess, ok := c.Get(ctxSession)
	if !ok {
		abortWithError(c, domain.NotFoundf("this request has no console session: it authenticated with a bearer token"))
		return
	}
	c.JSON(http.StatusOK, sessionResponse(currentUser(c), sess.(*domain.Session)))
}

// endSession answers DELETE /auth/session: sign-out. The session is
// revoked and its cookie deleted.
func (s *Server) endSession(c *gin.Context) {
	sess, ok := c.Get(ctxSession)
	if !ok {
		abortWithError(c, domain.NotFoundf("this request has no console session to end: it authenticated with a bearer token, which expires by itself"))
		return
	}
	err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		return auditEntry{Action: "auth.logout", ObjectType: domain.ObjectUser, ObjectID: currentUser(c).ID.String()},
			s.sessions.RevokeSession(ctx, sess.(*domain.Session).TokenHash)
	})
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.setSessionCookie(c, "", time.Time{})
	c.Status(http.StatusNoContent)
}

// sessionUser returns the enabled user of a console-session cookie, and
// for an unsafe method checks the session's CSRF token. It records the
// session's use at most once per domain.SessionTouchInterval.
func (s *Server) sessionUser(c *gin.Context, token string) (*domain.User, error) {
	ctx := c.Request.Context()
	sess, err := s.sessions.FindSession(ctx, auth.HashSessionToken(token))
	if domain.IsKind(err, domain.KindNotFound) {
		s.setSessionCookie(c, "", time.Time{})
		return nil, domain.Errorf(domain.KindUnauthorized, "your session is not valid; sign in again")
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if why := sess.Ended(now); why != "" {
		s.setSessionCookie(c, "", time.Time{})
		return nil, domain.Errorf(domain.KindUnauthorized, "%s", why)
	}
	u, err := s.users.FindUserByID(ctx, sess.UserID)
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && u.Disabled) {
		return nil, domain.Errorf(domain.KindUnauthorized, "this account no longer has access")
	}
	if err != nil {
		return nil, err
	}
	if !safeMethod(c.Request.Method) && subtle.ConstantTimeCompare([]byte(c.GetHeader(csrfHeader)), []byte(sess.CSRFToken)) != 1 {
		return nil, domain.Errorf(domain.KindForbidden, "this request needs your session's CSRF token in the %s header (GET /api/v1/auth/session gives it)", csrfHeader)
	}
	if sess.NeedsTouch(now) {
		if err := s.sessions.TouchSession(ctx, sess.TokenHash); err != nil {
			loggerFrom(c).Warn("could not record the use of a session", slog.Any("error", err))
		}
	}
	c.Set(ctxSession, sess)
	return u, nil
}

// secureCookies reports whether the API's cookies (session, OIDC flow)
// are marked Secure, sent over HTTPS only: whenever the console is served
// over HTTPS (LABFORGE_PUBLIC_URL).
func (s *Server) secureCookies() bool { return strings.HasPrefix(s.publicURL, "https://") }

// safeMethod reports whether an HTTP method only reads.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
