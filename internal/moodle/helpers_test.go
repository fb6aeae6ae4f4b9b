package moodle_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/moodle"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

// newSim starts a simulator of DefaultSeed; mutate adjusts its config.
func newSim(t testing.TB, mutate func(*moodlesim.Config)) *moodlesim.Server {
	t.Helper()
	cfg := moodlesim.Config{RandomSeed: 7}
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := moodlesim.NewServer(cfg)
	if err != nil {
		t.Fatalf("moodlesim.NewServer: %v", err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("moodlesim Start: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// newClient is a client of the simulator with its token; mutate adjusts
// the config.
func newClient(t testing.TB, s *moodlesim.Server, mutate func(*moodle.Config)) *moodle.Client {
	t.Helper()
	cfg := moodle.Config{URL: s.URL(), Token: s.Token(), Timeout: 5 * time.Second}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := moodle.New(cfg)
	if err != nil {
		t.Fatalf("moodle.New: %v", err)
	}
	return c
}

// testCtx is a context bounded to 30 s, cancelled when the test ends.
func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wantKind fails the test unless err is an *moodle.Error of kind k.
func wantKind(t testing.TB, err error, k moodle.Kind) *moodle.Error {
	t.Helper()
	var e *moodle.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *moodle.Error; want kind %s", err, err, k)
	}
	if e.Kind != k || !errors.Is(err, k) {
		t.Fatalf("error %v has kind %s, want %s", err, e.Kind, k)
	}
	if e.Retryable() != k.Retryable() || moodle.IsRetryable(err) != k.Retryable() {
		t.Fatalf("error %v: Retryable disagrees with its kind", err)
	}
	return e
}
