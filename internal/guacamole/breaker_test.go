package guacamole_test

import (
	"sync"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/breaker"
	"github.com/labforge/labforge/internal/guacamole"
	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

func TestBreakerOpensWhileDownAndCloses(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	var (
		mu      sync.Mutex
		changes []string
	)
	c := newClient(t, s, func(c *guacamole.Config) {
		c.Breaker = breaker.Settings{FailuresToTrip: 3, OpenTimeout: 150 * time.Millisecond}
		c.OnBreakerChange = func(from, to breaker.State) {
			mu.Lock()
			changes = append(changes, string(from)+"->"+string(to))
			mu.Unlock()
		}
	})
	ctx := testCtx(t, 10*time.Second)
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDown(guacsim.Unavailable); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_, err := c.ListConnections(ctx)
		if e := wantKind(t, err, guacamole.Unavailable); e.Status != 503 {
			t.Fatalf("failure %d: %+v", i+1, e)
		}
	}
	if st := c.BreakerState(); st != breaker.Open {
		t.Fatalf("breaker after 3 failures = %s", st)
	}
	sent := s.Stats().RequestCount("GET", connectionsRoute)
	_, err := c.ListConnections(ctx)
	if e := wantKind(t, err, guacamole.Unavailable); !breaker.IsOpen(err) || e.Status != 0 || !e.Retryable() {
		t.Errorf("open breaker: %+v", e)
	}
	if got := s.Stats().RequestCount("GET", connectionsRoute); got != sent {
		t.Errorf("the open breaker let %d requests through", got-sent)
	}
	if err := s.SetDown(guacsim.Up); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if _, err := c.ListConnections(ctx); err != nil {
		t.Fatalf("probe after the service returned: %v", err)
	}
	if st := c.BreakerState(); st != breaker.Closed {
		t.Errorf("breaker after a good probe = %s", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(changes) != 3 || changes[0] != "closed->open" || changes[2] != "half-open->closed" {
		t.Errorf("changes = %v", changes)
	}
}
