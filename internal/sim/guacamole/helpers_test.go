package guacamole_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

// newSim starts a simulator closed when the test ends.
func newSim(t *testing.T, cfg guacsim.Config) *guacsim.Server {
	t.Helper()
	s, err := guacsim.NewServer(cfg)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if err := s.Start(context.Background(), "127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// answer is one HTTP answer, body read.
type answer struct {
	status int
	body   []byte
}

// guacError is Guacamole's error object with every field kept raw, so
// tests can check the shape.
type guacError struct {
	Message             string          `json:"message"`
	TranslatableMessage json.RawMessage `json:"translatableMessage"`
	StatusCode          json.RawMessage `json:"statusCode"`
	Expected            json.RawMessage `json:"expected"`
	Patches             json.RawMessage `json:"patches"`
	Type                string          `json:"type"`
}

func (a answer) guacError(t *testing.T) guacError {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("error body %q: %v", a.body, err)
	}
	for _, k := range []string{"message", "translatableMessage", "statusCode", "expected", "patches", "type"} {
		if _, ok := m[k]; !ok {
			t.Errorf("error body %s lacks %q", a.body, k)
		}
	}
	var e guacError
	_ = json.Unmarshal(a.body, &e)
	return e
}

// do sends a request with an optional token header and JSON body.
func do(t *testing.T, method, u, token string, body any) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Guacamole-Token", token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, body: b}
}

// signIn posts credentials and returns the answer.
func signIn(t *testing.T, s *guacsim.Server, username, password string) answer {
	t.Helper()
	form := url.Values{"username": {username}, "password": {password}}
	res, err := http.Post(s.URL()+"/api/tokens", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, body: b}
}

// token signs in and returns the token.
func token(t *testing.T, s *guacsim.Server, username, password string) string {
	t.Helper()
	a := signIn(t, s, username, password)
	var out struct{ AuthToken string }
	if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.AuthToken == "" {
		t.Fatalf("sign in as %s: %d %s", username, a.status, a.body)
	}
	return out.AuthToken
}

// adminToken signs in as the administrator.
func adminToken(t *testing.T, s *guacsim.Server) string {
	t.Helper()
	u, p := s.AdminCredentials()
	return token(t, s, u, p)
}

// data is the session data URL of path under the simulator's data source.
func data(s *guacsim.Server, path string) string {
	return s.URL() + "/api/session/data/" + s.DataSource() + path
}

// sshConnection is a valid connection body called name.
func sshConnection(name string) map[string]any {
	return map[string]any{"parentIdentifier": "ROOT", "name": name, "protocol": "ssh",
		"parameters": map[string]string{"hostname": "10.0.0.5", "port": "22", "username": "lab", "password": "s3cret"},
		"attributes": map[string]any{}}
}

// createConnection creates a connection as admin and returns its identifier.
func createConnection(t *testing.T, s *guacsim.Server, admin, name string) string {
	t.Helper()
	a := do(t, http.MethodPost, data(s, "/connections"), admin, sshConnection(name))
	var out struct{ Identifier string }
	if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.Identifier == "" {
		t.Fatalf("create connection %s: %d %s", name, a.status, a.body)
	}
	return out.Identifier
}
