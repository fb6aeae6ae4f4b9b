package guacamole_test

import (
	"bytes"
	"errors"
	"net/http"
	"syscall"
	"testing"
	"time"

	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

func TestDownUnavailableAnswers503(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	tok := adminToken(t, s)
	req, _ := http.NewRequest(http.MethodPut, s.URL()+"/_sim/faults", bytes.NewReader([]byte(`{"down":"unavailable"}`)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PUT /_sim/faults: %s", res.Status)
	}
	if a := do(t, http.MethodGet, data(s, "/connections"), tok, nil); a.status != http.StatusServiceUnavailable {
		t.Errorf("down: %d %s", a.status, a.body)
	}
	if err := s.SetDown(guacsim.Up); err != nil {
		t.Fatal(err)
	}
	if a := do(t, http.MethodGet, data(s, "/connections"), tok, nil); a.status != http.StatusOK {
		t.Errorf("up again: %d %s", a.status, a.body)
	}
	if st := s.Stats(); st.RequestCount("GET", "/api/session/data/{ds}/connections") != 2 || st.Statuses[503] != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestDownRefusedClosesTheListenerAndComesBack(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	tok := adminToken(t, s)
	if err := s.SetDown(guacsim.Refused); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: 2 * time.Second}
	_, err := c.Get(data(s, "/connections?token="+tok))
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("down: err = %v, want connection refused", err)
	}
	if err := s.SetDown(guacsim.Up); err != nil {
		t.Fatal(err)
	}
	if a := do(t, http.MethodGet, data(s, "/connections"), tok, nil); a.status != http.StatusOK {
		t.Errorf("up again (token kept): %d %s", a.status, a.body)
	}
}

func TestErrorRateAnswersInternalError(t *testing.T) {
	s := newSim(t, guacsim.Config{Faults: guacsim.Faults{ErrorRate: 1}})
	a := signIn(t, s, "guacadmin", "guacadmin")
	if e := a.guacError(t); a.status != http.StatusInternalServerError || e.Type != "INTERNAL_ERROR" {
		t.Errorf("injected error: %d %s", a.status, a.body)
	}
	if _, err := guacsim.NewServer(guacsim.Config{Faults: guacsim.Faults{ErrorRate: 2}}); err == nil {
		t.Error("error rate 2 accepted")
	}
}

func TestAdminAPI(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	tok := adminToken(t, s)
	createConnection(t, s, tok, "vm-1")
	a := do(t, http.MethodGet, s.URL()+"/_sim/connections", "", nil)
	if a.status != http.StatusOK || !bytes.Contains(a.body, []byte(`"password":"s3cret"`)) {
		t.Errorf("/_sim/connections: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, s.URL()+"/_sim/users", "", nil); a.status != http.StatusOK || !bytes.Contains(a.body, []byte(`"guacadmin"`)) {
		t.Errorf("/_sim/users: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodPost, s.URL()+"/_sim/expire-tokens", "", nil); a.status != http.StatusNoContent {
		t.Errorf("/_sim/expire-tokens: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, data(s, "/connections"), tok, nil); a.status != http.StatusForbidden {
		t.Errorf("token after expire-tokens: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, s.URL()+"/_sim/stats", "", nil); a.status != http.StatusOK ||
		!bytes.Contains(a.body, []byte(`"POST /api/session/data/{ds}/connections":1`)) {
		t.Errorf("/_sim/stats: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodPut, s.URL()+"/_sim/faults", "", map[string]any{"down": "refused"}); a.status != http.StatusBadRequest {
		t.Errorf("down=refused through the admin API: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodPut, s.URL()+"/_sim/faults", "", map[string]any{"latency": "1ms", "error_rate": 0.5}); a.status != http.StatusOK ||
		s.Faults().Latency != time.Millisecond || s.Faults().ErrorRate != 0.5 {
		t.Errorf("PUT /_sim/faults: %d %s -> %+v", a.status, a.body, s.Faults())
	}
}
