// Package apptest starts a whole Labforge platform inside a test: a real
// PostgreSQL database (storetest), a real MongoDB-protocol server
// (FerretDB, audittest), the embedded Temporal server (temporaltest),
// workers for every standard queue (or those WithQueues names) and the API
// over real HTTP. Every response the stack's client receives is checked
// against api/openapi.yaml: its route, status, headers and body.
package apptest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"go.temporal.io/server/temporaltest"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/temporalx"
	"github.com/labforge/labforge/store/audit/audittest"
	"github.com/labforge/labforge/store/storetest"
)

// AdminPassword is the bootstrap administrator's password in every stack.
const AdminPassword = "correct-horse-battery-staple"

// SecretKey is the stack's LABFORGE_SECRET_KEY (id "test1").
const SecretKey = "test1:dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0wMTIzNDU2Nzg="

// Stack is a running platform for one test.
type Stack struct {
	URL      string
	Platform *app.Platform
	Temporal *temporaltest.TestServer
	client   *http.Client
}

// Option adjusts a stack's configuration before it starts.
type Option func(*config.Config)

// WithQueues makes the stack run workers only for queues.
func WithQueues(queues ...string) Option {
	return func(c *config.Config) { c.WorkerQueues = queues }
}

// Start brings a platform up for t and tears it down when t ends.
func Start(t *testing.T, opts ...Option) *Stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	ts := temporaltest.NewServer(temporaltest.WithT(t))
	ns := ts.GetDefaultNamespace()
	if err := temporalx.EnsureSearchAttributes(ctx, ts.GetDefaultClient(), ns); err != nil {
		t.Fatalf("apptest: registering search attributes: %v", err)
	}
	// The API's address is known before its configuration, so that
	// LABFORGE_PUBLIC_URL (OIDC redirects, e-mail links) points at it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	url := "http://" + l.Addr().String()
	cfg, err := config.LoadFrom([]string{
		"LABFORGE_PUBLIC_URL=" + url,
		"LABFORGE_DATABASE_URL=" + storetest.URL(t),
		"LABFORGE_MONGO_URI=" + audittest.URI(t),
		"LABFORGE_MONGO_DATABASE=" + audittest.Database(t),
		"LABFORGE_TEMPORAL_ADDRESS=" + ts.GetFrontendHostPort(),
		"LABFORGE_TEMPORAL_NAMESPACE=" + ns,
		"LABFORGE_JWT_SECRET=" + strings.Repeat("test-secret-", 4),
		"LABFORGE_SECRET_KEY=" + SecretKey,
		"LABFORGE_BOOTSTRAP_ADMIN_PASSWORD=" + AdminPassword,
		"LABFORGE_LOG_LEVEL=warn",
	})
	if err != nil {
		t.Fatalf("apptest: configuration: %v", err)
	}
	for _, o := range opts {
		o(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.SlogLevel()}))
	p, err := app.Connect(ctx, cfg, logger)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	t.Cleanup(p.Close)
	if _, err := p.EnsureAdmin(ctx); err != nil {
		t.Fatalf("apptest: bootstrap admin: %v", err)
	}
	ws, err := p.StartWorkers(cfg.WorkerQueues)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	t.Cleanup(ws.Stop)
	h, err := p.APIHandler()
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return &Stack{
		URL: url, Platform: p, Temporal: ts,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &contractTransport{t: t, next: http.DefaultTransport}},
	}
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing t if it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.Status, err, r.Body)
	}
}

// Do sends a request with an optional bearer token and JSON body. A body
// of type string is sent verbatim.
func (s *Stack) Do(t testing.TB, method, path, token string, body any) *Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, RequestBody(t, body))
	if err != nil {
		t.Fatal(err)
	}
	PrepareRequest(req, token)
	return s.Send(t, req)
}

// Send sends a request built by the caller (on s.URL), for tests that set
// their own headers, and reads the whole response. The request and the
// response are checked against the contract as Do's are.
func (s *Stack) Send(t testing.TB, req *http.Request) *Response {
	t.Helper()
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// Login signs in and returns the access token, failing t otherwise.
func (s *Stack) Login(t testing.TB, username, password string) string {
	t.Helper()
	r := s.Do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	if r.Status != http.StatusOK {
		t.Fatalf("login as %s: %d %s", username, r.Status, r.Body)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	r.JSON(t, &out)
	return out.AccessToken
}

// AdminToken signs in as the bootstrap administrator.
func (s *Stack) AdminToken(t testing.TB) string {
	return s.Login(t, "admin", AdminPassword)
}

// AwaitOperation polls the operation at location (a Location header) until
// it is terminal, failing t after 60 seconds.
func (s *Stack) AwaitOperation(t testing.TB, token, location string) domain.Operation {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var op domain.Operation
		r := s.Do(t, http.MethodGet, location, token, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", location, r.Status, r.Body)
		}
		r.JSON(t, &op)
		if op.State.Terminal() {
			return op
		}
		if time.Now().After(deadline) {
			t.Fatalf("operation still %s at step %q after 60s", op.State, op.Step)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
