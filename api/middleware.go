package api

import (
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/labforge/labforge/domain"
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

// authenticate requires a valid bearer token and loads its user, so that a
// disabled or deleted account loses access at once, not when its token
// expires.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		raw, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok || raw == "" {
			c.Header("WWW-Authenticate", `Bearer realm="labforge"`)
			abortWithError(c, domain.Errorf(domain.KindUnauthorized, "sign in first: send Authorization: Bearer <access token> (POST /api/v1/auth/login issues one)"))
			return
		}
		claims, err := s.tokens.Verify(raw)
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="labforge", error="invalid_token"`)
			abortWithError(c, domain.Errorf(domain.KindUnauthorized, "the access token is invalid or expired; sign in again"))
			return
		}
		id, _ := claims.UserID()
		u, err := s.users.FindUserByID(c.Request.Context(), id)
		if domain.IsKind(err, domain.KindNotFound) || (err == nil && u.Disabled) {
			abortWithError(c, domain.Errorf(domain.KindUnauthorized, "this account no longer has access"))
			return
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
