package api

import (
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
)

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-Id"

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// withRequestID keeps a well-formed incoming X-Request-Id (so ids follow a
// request across proxies) or makes a new one, echoes it, and gives the
// handlers a logger that carries it.
func withRequestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if !validRequestID.MatchString(id) {
			id = uuid.NewString()
		}
		c.Set(ctxRequestID, id)
		c.Set(ctxLogger, base.With(slog.String("request_id", id)))
		c.Header(RequestIDHeader, id)
		c.Next()
	}
}

// accessLog writes one structured line per request.
func accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		attrs := []any{
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.String("route", c.FullPath()),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", c.Writer.Size()),
			slog.Duration("duration", time.Since(start)),
			slog.String("client_ip", c.ClientIP()),
		}
		if u, ok := c.Get(ctxUser); ok {
			attrs = append(attrs, slog.String("user", u.(*domain.User).Username))
		}
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		loggerFrom(c).Log(c.Request.Context(), level, "http request", attrs...)
	}
}

// httpMetrics counts requests and their latency per route.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "labforge_http_requests_total", Help: "HTTP requests served, by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "labforge_http_request_duration_seconds", Help: "HTTP request latency, by method and route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// recoverPanics turns a handler panic into a logged internal error.
func recoverPanics() gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, rec any) {
		loggerFrom(c).Error("handler panicked", slog.Any("panic", rec))
		abortWithError(c, domain.Errorf(domain.KindInternal, "panic: %v", rec))
	})
}

// authenticate requires a valid credential: a bearer token (an access
// token or an API key) or, without one, a console-session cookie whose
// unsafe requests carry the session's CSRF token. It loads the user, so
// that a disabled or deleted account loses access at once, not when its
// credential expires.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		var u *domain.User
		var err error
		raw, bearer := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		cookie, _ := c.Cookie(sessionCookie)
		switch {
		case bearer && strings.HasPrefix(raw, auth.APIKeyPrefix):
			u, err = s.apiKeyUser(c, raw)
		case bearer && raw != "":
			u, err = s.tokenUser(c, raw)
		case cookie != "":
			u, err = s.sessionUser(c, cookie)
		default:
			c.Header("WWW-Authenticate", `Bearer realm="labforge"`)
			err = domain.Errorf(domain.KindUnauthorized, "sign in first: send Authorization: Bearer <access token or API key> (POST /api/v1/auth/login issues an access token)")
		}
		if err != nil {
			abortWithError(c, err)
			return
		}
		c.Set(ctxUser, u)
		c.Set(ctxLogger, loggerFrom(c).With(slog.String("user", u.Username)))
		c.Next()
	}
}

// tokenUser returns the enabled user of an access token.
func (s *Server) tokenUser(c *gin.Context, raw string) (*domain.User, error) {
	claims, err := s.tokens.Verify(raw)
	if err != nil {
		invalidToken(c)
		return nil, domain.Errorf(domain.KindUnauthorized, "the access token is invalid or expired; sign in again")
	}
	id, _ := claims.UserID()
	u, err := s.users.FindUserByID(c.Request.Context(), id)
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && u.Disabled) {
		return nil, domain.Errorf(domain.KindUnauthorized, "this account no longer has access")
	}
	if err == nil && claims.Version != u.TokenVersion {
		invalidToken(c)
		return nil, domain.Errorf(domain.KindUnauthorized, "the access token was revoked: your password, roles or account changed since it was issued; sign in again")
	}
	return u, err
}

// apiKeyUser returns the enabled owner of an API key that is neither
// revoked nor expired, and refuses a read-only key anything but GET and
// HEAD. It records the key's use at most once per
// domain.APIKeyTouchInterval.
func (s *Server) apiKeyUser(c *gin.Context, raw string) (*domain.User, error) {
	ctx := c.Request.Context()
	invalid := domain.Errorf(domain.KindUnauthorized, "the API key is not valid; check that it was copied whole, or create a new one")
	prefix, secret, ok := auth.ParseAPIKey(raw)
	if !ok {
		invalidToken(c)
		return nil, invalid
	}
	k, err := s.apiKeys.FindAPIKeyByPrefix(ctx, prefix)
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && !auth.CheckAPISecret(secret, k.SecretHash)) {
		invalidToken(c)
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var refused *domain.Error
	switch {
	case k.RevokedAt != nil:
		refused = domain.Errorf(domain.KindUnauthorized, "this API key (%s) was revoked at %s; create a new one", k.Prefix, k.RevokedAt.UTC().Format(time.RFC3339))
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		refused = domain.Errorf(domain.KindUnauthorized, "this API key (%s) expired at %s; create a new one", k.Prefix, k.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if refused != nil {
		invalidToken(c)
		return nil, refused
	}
	u, err := s.users.FindUserByID(ctx, k.OwnerID)
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && u.Disabled) {
		return nil, domain.Errorf(domain.KindUnauthorized, "the account that owns this API key is disabled or deleted; the key no longer has access")
	}
	if err != nil {
		return nil, err
	}
	if k.ReadOnly && c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return nil, domain.Errorf(domain.KindForbidden, "this API key (%s) is read-only: it may send GET and HEAD requests only", k.Prefix)
	}
	if k.NeedsTouch(now) {
		if err := s.apiKeys.TouchAPIKey(ctx, k.ID); err != nil {
			loggerFrom(c).Warn("could not record the use of an API key", slog.String("api_key", k.Prefix), slog.Any("error", err))
		}
	}
	c.Set(ctxAPIKey, k)
	c.Set(ctxLogger, loggerFrom(c).With(slog.String("api_key", k.Prefix)))
	return u, nil
}

// invalidToken tells an OAuth-style client that its bearer credential is
// not valid (RFC 6750).
func invalidToken(c *gin.Context) {
	c.Header("WWW-Authenticate", `Bearer realm="labforge", error="invalid_token"`)
}
