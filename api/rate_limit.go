package api

import (
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/labforge/labforge/domain"
)

// RateLimit bounds one user's unsafe requests (POST, PUT, PATCH, DELETE):
// PerMinute on average, Burst at once. A zero PerMinute means no limit.
type RateLimit struct {
	PerMinute int
	Burst     int
}

// userRateLimiter keeps one token bucket per user. Buckets idle for
// longer than it takes them to refill are dropped, so memory follows the
// users active in the last minutes, not every user ever seen. Each API
// replica limits on its own.
type userRateLimiter struct {
	limit   rate.Limit
	burst   int
	idle    time.Duration
	now     func() time.Time
	mu      sync.Mutex
	buckets map[uuid.UUID]*userBucket
	swept   time.Time
}

type userBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newUserRateLimiter returns nil (no limit) for a zero RateLimit.
func newUserRateLimiter(l RateLimit, now func() time.Time) *userRateLimiter {
	if l.PerMinute <= 0 {
		return nil
	}
	burst := max(l.Burst, 1)
	perSecond := float64(l.PerMinute) / 60
	return &userRateLimiter{
		limit: rate.Limit(perSecond), burst: burst, now: now, buckets: map[uuid.UUID]*userBucket{},
		idle: max(time.Duration(float64(burst)/perSecond*float64(time.Second)), time.Minute),
	}
}

// take spends one request of user's bucket, or says how long until one is
// available.
func (r *userRateLimiter) take(user uuid.UUID) (wait time.Duration) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.swept) > r.idle {
		for id, b := range r.buckets {
			if now.Sub(b.seen) > r.idle {
				delete(r.buckets, id)
			}
		}
		r.swept = now
	}
	b, ok := r.buckets[user]
	if !ok {
		b = &userBucket{lim: rate.NewLimiter(r.limit, r.burst)}
		r.buckets[user] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// limitMutations refuses a user's unsafe request with 429 and
// Retry-After once they exceed the configured rate (LABFORGE_RATE_LIMIT_*).
func (s *Server) limitMutations() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.mutationLimiter == nil || safeMethod(c.Request.Method) {
			c.Next()
			return
		}
		if wait := s.mutationLimiter.take(currentUser(c).ID); wait > 0 {
			secs := retryAfterSeconds(wait)
			c.Header("Retry-After", strconv.Itoa(secs))
			abortWithError(c, domain.Errorf(domain.KindTooManyRequests,
				"too many changes in a short time: at most %d a minute (bursts of %d); try again in %d s",
				int(float64(s.mutationLimiter.limit)*60+0.5), s.mutationLimiter.burst, secs))
			return
		}
		c.Next()
	}
}
