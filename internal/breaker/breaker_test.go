package breaker_test

import (
	"errors"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/breaker"
)

func TestBreakerTripsFailsFastAndRecovers(t *testing.T) {
	var changes []string
	b := breaker.New("guac", breaker.Settings{FailuresToTrip: 2, OpenTimeout: 50 * time.Millisecond},
		func(name string, from, to breaker.State) {
			changes = append(changes, name+":"+string(from)+"->"+string(to))
		})
	for range 2 {
		done, err := b.Allow()
		if err != nil {
			t.Fatal(err)
		}
		done(false)
	}
	if b.State() != breaker.Open {
		t.Fatalf("state = %s, want open", b.State())
	}
	_, err := b.Allow()
	var oe *breaker.OpenError
	if !errors.As(err, &oe) || !breaker.IsOpen(err) || oe.Name != "guac" || oe.State != breaker.Open {
		t.Fatalf("Allow on an open breaker = %v", err)
	}
	time.Sleep(80 * time.Millisecond)
	done, err := b.Allow()
	if err != nil {
		t.Fatalf("probe refused: %v", err)
	}
	done(true)
	if b.State() != breaker.Closed {
		t.Fatalf("state after a good probe = %s", b.State())
	}
	want := []string{"guac:closed->open", "guac:open->half-open", "guac:half-open->closed"}
	if len(changes) != len(want) {
		t.Fatalf("changes = %v, want %v", changes, want)
	}
	for i := range want {
		if changes[i] != want[i] {
			t.Errorf("change %d = %s, want %s", i, changes[i], want[i])
		}
	}
}

func TestSettingsDefaults(t *testing.T) {
	s := breaker.Settings{}.WithDefaults()
	if s.FailuresToTrip != 5 || s.OpenTimeout != 30*time.Second || s.HalfOpenRequests != 1 {
		t.Errorf("defaults = %+v", s)
	}
}
