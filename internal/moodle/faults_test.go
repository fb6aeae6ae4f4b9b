package moodle_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/breaker"
	"github.com/labforge/labforge/internal/moodle"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

func TestSiteDownIsRetryable(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, nil)
	ctx := testCtx(t)
	s.SetDown(true)
	_, err := c.SiteInfo(ctx)
	if e := wantKind(t, err, moodle.Unavailable); e.Status != 503 {
		t.Errorf("error = %+v", e)
	}
	s.SetDown(false)
	if _, err := c.SiteInfo(ctx); err != nil {
		t.Fatalf("after coming back: %v", err)
	}

	s.Unplug()
	// The first call may find its kept-alive connection closed (EOF); the
	// next one is refused.
	_, err = c.SiteInfo(ctx)
	wantKind(t, err, moodle.Unavailable)
	_, err = c.SiteInfo(ctx)
	if e := wantKind(t, err, moodle.Unavailable); e.Status != 0 || !strings.Contains(e.Message, "refused") {
		t.Errorf("connection refused: %+v", e)
	}
	if err := s.Plug(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SiteInfo(ctx); err != nil {
		t.Fatalf("after Plug: %v", err)
	}
}

func TestBreakerOpensWhenTheSiteIsDownAndRecovers(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, func(c *moodle.Config) {
		c.Breaker = breaker.Settings{FailuresToTrip: 3, OpenTimeout: 100 * time.Millisecond}
	})
	ctx := testCtx(t)
	// Moodle exceptions say nothing about the site's health.
	bad := newClient(t, s, func(c *moodle.Config) {
		c.Token = "wrong"
		c.Breaker = breaker.Settings{FailuresToTrip: 1}
	})
	for range 3 {
		_, err := bad.SiteInfo(ctx)
		wantKind(t, err, moodle.InvalidToken)
	}
	if bad.BreakerState() != breaker.Closed {
		t.Fatalf("invalid tokens opened the breaker")
	}

	s.SetDown(true)
	for i := range 3 {
		_, err := c.SiteInfo(ctx)
		if e := wantKind(t, err, moodle.Unavailable); e.Status != 503 {
			t.Fatalf("failure %d: %+v", i, e)
		}
	}
	if c.BreakerState() != breaker.Open {
		t.Fatalf("breaker %s after 3 failures, want open", c.BreakerState())
	}
	sent := s.Stats().Calls["core_webservice_get_site_info"]
	_, err := c.SiteInfo(ctx)
	if e := wantKind(t, err, moodle.Unavailable); !breaker.IsOpen(err) || e.Status != 0 {
		t.Fatalf("open breaker: %+v", e)
	}
	if s.Stats().Calls["core_webservice_get_site_info"] != sent {
		t.Error("a request went through the open breaker")
	}

	s.SetDown(false)
	deadline := time.Now().Add(5 * time.Second)
	for c.BreakerState() != breaker.HalfOpen {
		if time.Now().After(deadline) {
			t.Fatal("breaker never became half-open")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := c.SiteInfo(ctx); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if c.BreakerState() != breaker.Closed {
		t.Errorf("breaker %s after a good probe", c.BreakerState())
	}
}

func TestTimeoutIsUnavailableAndCallerCancelDoesNotTrip(t *testing.T) {
	s := newSim(t, func(c *moodlesim.Config) { c.Faults.Latency = 300 * time.Millisecond })
	c := newClient(t, s, func(c *moodle.Config) {
		c.Timeout = 30 * time.Millisecond
		c.Breaker = breaker.Settings{FailuresToTrip: 2}
	})
	ctx := testCtx(t)
	for range 2 {
		cctx, cancel := context.WithCancel(ctx)
		go func() { time.Sleep(10 * time.Millisecond); cancel() }()
		_, err := c.SiteInfo(cctx)
		cancel()
		wantKind(t, err, moodle.Unavailable)
	}
	if c.BreakerState() != breaker.Closed {
		t.Fatalf("the caller cancelling moved the breaker to %s", c.BreakerState())
	}
	for range 2 {
		_, err := c.SiteInfo(ctx)
		if e := wantKind(t, err, moodle.Unavailable); !strings.Contains(e.Message, "timeout") {
			t.Errorf("timeout: %+v", e)
		}
	}
	if c.BreakerState() != breaker.Open {
		t.Errorf("timeouts left the breaker %s", c.BreakerState())
	}
}

func TestTokenIsNeverLogged(t *testing.T) {
	const token = "f00dfeedf00dfeedf00dfeedf00dfeed"
	s := newSim(t, func(c *moodlesim.Config) { c.Token = token; c.Debug = true })
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug - 8}))
	cfg := moodle.Config{URL: s.URL(), Token: token, Logger: log, Breaker: breaker.Settings{FailuresToTrip: 1}}
	c, err := moodle.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	var errs []error
	_, err = c.SiteInfo(ctx)
	errs = append(errs, err)
	_, err = c.CourseByField(ctx, "colour", token)
	errs = append(errs, err)
	s.SetDown(true)
	_, err = c.SiteInfo(ctx) // opens the breaker
	errs = append(errs, err)
	_, err = c.SiteInfo(ctx)
	errs = append(errs, err)
	s.Unplug()
	errs = append(errs, c.Unenrol(ctx, 2, 3))
	log.Info("config", "moodle", cfg)
	if strings.Contains(buf.String(), token) {
		t.Errorf("the token is in the log:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "moodle call") || !strings.Contains(buf.String(), "circuit breaker changed state") {
		t.Errorf("expected call and breaker lines in the log:\n%s", buf.String())
	}
	for _, e := range errs[1:] {
		if e == nil {
			t.Fatal("a failing call succeeded")
		}
		if strings.Contains(e.Error(), token) {
			t.Errorf("the token is in the error %q", e)
		}
	}
}
