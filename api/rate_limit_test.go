package api

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestUserRateLimiterRefillsAndForgetsIdleUsers(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := newUserRateLimiter(RateLimit{PerMinute: 60, Burst: 3}, func() time.Time { return now })
	ada, bob := uuid.New(), uuid.New()
	for i := range 3 {
		if d := r.take(ada); d != 0 {
			t.Fatalf("request %d of the burst waits %s", i+1, d)
		}
	}
	if d := r.take(ada); d <= 0 || d > time.Second {
		t.Fatalf("the request after the burst waits %s; want up to 1s (60 a minute)", d)
	}
	if d := r.take(bob); d != 0 {
		t.Fatalf("another user waits %s for ada's burst", d)
	}
	now = now.Add(time.Second)
	if d := r.take(ada); d != 0 {
		t.Fatalf("after a second one request is available again, but it waits %s", d)
	}
	if d := r.take(ada); d == 0 {
		t.Fatal("a second refills one request, not more")
	}

	now = now.Add(time.Hour)
	r.take(bob)
	if _, kept := r.buckets[ada]; kept {
		t.Fatal("an idle user's bucket is kept")
	}
	if newUserRateLimiter(RateLimit{}, time.Now) != nil {
		t.Fatal("a zero RateLimit must mean no limiter")
	}
}
