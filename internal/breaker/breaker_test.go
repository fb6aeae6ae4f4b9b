package breaker_test

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/breaker"
)

func TestBreakerOpensOnConsecutiveFailuresAndRecovers(t *testing.T) {
	var changes []breaker.State
	b := breaker.New("site", "Moodle site", breaker.Settings{FailuresToTrip: 2, OpenTimeout: 20 * time.Millisecond},
		slog.New(slog.DiscardHandler), func(_ string, _, to breaker.State) { changes = append(changes, to) })
	for range 2 {
		done, err := b.Allow()
		if err != nil {
			t.Fatalf("closed breaker refused: %v", err)
		}
		done(false)
	}
	if b.State() != breaker.Open {
		t.Fatalf("state = %s after 2 failures, want open", b.State())
	}
	_, err := b.Allow()
	var open *breaker.OpenError
	if !errors.As(err, &open) || !breaker.IsOpen(err) || open.Name != "site" {
		t.Fatalf("open breaker answered %v", err)
	}
	if want := "Moodle site site unreachable: circuit breaker open, failing fast"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.State() != breaker.HalfOpen {
		if time.Now().After(deadline) {
			t.Fatal("breaker never became half-open")
		}
		time.Sleep(5 * time.Millisecond)
	}
	done, err := b.Allow()
	if err != nil {
		t.Fatalf("half-open breaker refused the probe: %v", err)
	}
	done(true)
	if b.State() != breaker.Closed {
		t.Fatalf("state = %s after a good probe, want closed", b.State())
	}
	if len(changes) != 3 || changes[0] != breaker.Open || changes[1] != breaker.HalfOpen || changes[2] != breaker.Closed {
		t.Errorf("changes = %v", changes)
	}
}

func TestSettingsDefaults(t *testing.T) {
	s := breaker.Settings{}.WithDefaults()
	if s.FailuresToTrip != 5 || s.OpenTimeout != 30*time.Second || s.HalfOpenRequests != 1 {
		t.Errorf("defaults = %+v", s)
	}
}
