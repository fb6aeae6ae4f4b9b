package guacamole_test

import (
	"sync"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/guacamole"
	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

func TestConcurrentCallsShareOneRenewal(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	c := newClient(t, s, nil)
	ctx := testCtx(t, 20*time.Second)
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	s.ExpireTokens()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CreateConnection(ctx, sshTo("vm-"+string(rune('a'+i)), "pw"))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := s.Stats().RequestCount("POST", tokensRoute); n != 2 {
		t.Errorf("sign-ins = %d, want 2 (the first and one renewal)", n)
	}
	if got := s.Connections(); len(got) != 8 {
		t.Errorf("%d connections, want 8", len(got))
	}
}

func TestDataSourceOverrideIsUsed(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	c := newClient(t, s, func(c *guacamole.Config) { c.DataSource = "postgresql-shared" })
	ctx := testCtx(t, 10*time.Second)
	if ds, err := c.DataSource(ctx); err != nil || ds != "postgresql-shared" {
		t.Fatalf("DataSource = %q, %v", ds, err)
	}
	_, err := c.ListConnections(ctx)
	if e := wantKind(t, err, guacamole.NotFound); e.Type != "NOT_FOUND" {
		t.Errorf("error = %+v", e)
	}
}

func TestOnRequestHearsEveryRequest(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	var (
		mu   sync.Mutex
		seen []string
	)
	c := newClient(t, s, func(c *guacamole.Config) {
		c.OnRequest = func(r guacamole.Request) {
			mu.Lock()
			seen = append(seen, r.Op+"/"+r.Outcome())
			mu.Unlock()
		}
	})
	ctx := testCtx(t, 10*time.Second)
	if err := c.DeleteConnection(ctx, "7"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"DeleteConnection/ok", "DeleteConnection/NotFound"} // sign-in, then the delete
	if len(seen) != 2 || seen[0] != want[0] || seen[1] != want[1] {
		t.Errorf("requests = %v, want %v", seen, want)
	}
}
