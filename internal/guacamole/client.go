package guacamole

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labforge/labforge/internal/breaker"
	"github.com/labforge/labforge/internal/redact"
)

// maxErrorBody bounds how much of a failed answer is read.
const maxErrorBody = 64 << 10

// Client talks to one Guacamole server as one administrator. It is safe
// for concurrent use.
type Client struct {
	cfg     Config
	http    *http.Client
	breaker *breaker.Breaker
	log     *slog.Logger

	// sesMu guards ses and is held while signing in, so concurrent calls
	// share one sign-in.
	sesMu sync.Mutex
	ses   *session
}

// session is a signed-in token and the data source to use with it.
type session struct {
	token      string
	dataSource string
}

// New builds a client. It performs no request; it fails (kind Invalid)
// when the configuration is incomplete.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, &Error{Kind: Invalid, Op: "New", Message: err.Error(), Err: err}
	}
	log := cfg.Logger.With("guacamole", redact.URL(cfg.URL))
	// The breaker logs its state changes itself.
	onChange := func(_ string, from, to breaker.State) {
		if cfg.OnBreakerChange != nil {
			cfg.OnBreakerChange(from, to)
		}
	}
	br := breaker.New(redact.URL(cfg.URL), "Guacamole server", cfg.Breaker, log, onChange)
	hc := &http.Client{Transport: &breakerTransport{base: cfg.Transport, breaker: br}, Timeout: cfg.Timeout}
	return &Client{cfg: cfg, http: hc, breaker: br, log: log}, nil
}

// BreakerState reports the server's circuit breaker state.
func (c *Client) BreakerState() breaker.State { return c.breaker.State() }

// Login signs in now, replacing any cached token. Other methods sign in by
// themselves when needed; Login is for checking the configuration at start.
func (c *Client) Login(ctx context.Context) error {
	c.sesMu.Lock()
	defer c.sesMu.Unlock()
	c.ses = nil
	ses, err := c.signIn(ctx, "Login")
	if err == nil {
		c.ses = ses
	}
	return err
}

// Logout invalidates the cached token, if any. A token Guacamole already
// forgot is fine.
func (c *Client) Logout(ctx context.Context) error {
	c.sesMu.Lock()
	ses := c.ses
	c.ses = nil
	c.sesMu.Unlock()
	if ses == nil {
		return nil
	}
	err := c.send(ctx, "Logout", http.MethodDelete, "/api/tokens/"+url.PathEscape(ses.token), ses.token, nil, nil)
	if errors.Is(err, NotFound) {
		return nil
	}
	return err
}

// DataSource is the data source objects are created in: Config.DataSource,
// or the one Guacamole names at sign-in.
func (c *Client) DataSource(ctx context.Context) (string, error) {
	ses, _, err := c.session(ctx, "DataSource")
	if err != nil {
		return "", err
	}
	return ses.dataSource, nil
}

// session returns the cached session, signing in when there is none;
// fresh reports a sign-in just now.
func (c *Client) session(ctx context.Context, op string) (ses session, fresh bool, err error) {
	c.sesMu.Lock()
	defer c.sesMu.Unlock()
	if c.ses != nil {
		return *c.ses, false, nil
	}
	s, err := c.signIn(ctx, op)
	if err != nil {
		return session{}, false, err
	}
	c.ses = s
	return *s, true, nil
}

// forget drops the cached session if it still holds token.
func (c *Client) forget(token string) {
	c.sesMu.Lock()
	defer c.sesMu.Unlock()
	if c.ses != nil && c.ses.token == token {
		c.ses = nil
	}
}

// signIn posts the credentials to /api/tokens.
func (c *Client) signIn(ctx context.Context, op string) (*session, error) {
	form := url.Values{"username": {c.cfg.Username}, "password": {c.cfg.Password}}
	var out struct {
		AuthToken  string `json:"authToken"`
		DataSource string `json:"dataSource"`
	}
	if err := c.send(ctx, op, http.MethodPost, "/api/tokens", "", form, &out); err != nil {
		return nil, err
	}
	ds := c.cfg.DataSource
	if ds == "" {
		ds = out.DataSource
	}
	if out.AuthToken == "" || ds == "" {
		return nil, &Error{Kind: Invalid, Op: op, Status: http.StatusOK, Message: "sign-in answered without a token or data source"}
	}
	return &session{token: out.AuthToken, dataSource: ds}, nil
}

// data calls rel (e.g. "/connections") under /api/session/data/{ds} with
// the cached token. When Guacamole refuses a cached token (expired), it
// signs in again and retries once.
func (c *Client) data(ctx context.Context, op, method, rel string, body, out any) error {
	ses, fresh, err := c.session(ctx, op)
	if err != nil {
		return err
	}
	path := func(s session) string { return "/api/session/data/" + url.PathEscape(s.dataSource) + rel }
	err = c.send(ctx, op, method, path(ses), ses.token, body, out)
	if fresh || !staleToken(err) {
		return err
	}
	c.log.Info("guacamole refused the cached token; signing in again", "op", op)
	c.forget(ses.token)
	if ses, _, err = c.session(ctx, op); err != nil {
		return err
	}
	return c.send(ctx, op, method, path(ses), ses.token, body, out)
}

// staleToken reports an answer that means the token is no longer valid.
func staleToken(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusForbidden &&
		(e.Type == "PERMISSION_DENIED" || e.Type == "INVALID_CREDENTIALS")
}

// send makes one request: body is url.Values (a form) or a value sent as
// JSON; out, when set, receives the JSON answer.
func (c *Client) send(ctx context.Context, op, method, path, token string, body, out any) (failure error) {
	var (
		rd          io.Reader
		contentType string
	)
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return &Error{Kind: Invalid, Op: op, Message: "encode request: " + err.Error(), Err: err}
		}
		rd, contentType = bytes.NewReader(buf), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.URL+path, rd)
	if err != nil {
		return &Error{Kind: Invalid, Op: op, Message: err.Error(), Err: err}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Guacamole-Token", token)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	start := time.Now()
	res, err := c.http.Do(req)
	if c.cfg.OnRequest != nil {
		defer func() {
			c.cfg.OnRequest(Request{Op: op, Kind: KindOf(failure), Status: statusOf(res), Duration: time.Since(start)})
		}()
	}
	if err != nil {
		return c.failed(&Error{Kind: transportKind(err), Op: op, Message: transportMessage(err, token), Err: err})
	}
	defer res.Body.Close()
	if res.StatusCode >= 400 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
		return c.failed(answerError(op, res.StatusCode, b))
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxErrorBody))
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return c.failed(&Error{Kind: Invalid, Op: op, Status: res.StatusCode,
			Message: "unexpected answer from Guacamole: " + err.Error(), Err: err})
	}
	return nil
}

// failed logs a failure (never a request body, so never a password).
func (c *Client) failed(e *Error) *Error {
	c.log.Debug("guacamole call failed", "op", e.Op, "kind", e.Kind, "status", e.Status, "type", e.Type, "message", e.Message)
	return e
}

// answerError builds the error of a failed answer from Guacamole's error
// object ({"message","translatableMessage","statusCode","expected","patches","type"}),
// or from the status when the body is something else (a proxy's page).
func answerError(op string, status int, body []byte) *Error {
	var ge struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	}
	msg := http.StatusText(status)
	if json.Unmarshal(body, &ge) == nil && ge.Type != "" {
		if m := strings.TrimSpace(ge.Message); m != "" {
			msg = m
		}
	} else {
		ge.Type = ""
	}
	return &Error{Kind: answerKind(status, ge.Type, msg), Op: op, Status: status, Type: ge.Type, Message: msg}
}

// transportMessage describes a failure without an answer. The request URL
// in it (and in err, which it edits) has the token hidden: sign-out puts
// the token in the path.
func transportMessage(err error, token string) string {
	var ue *url.Error
	if errors.As(err, &ue) && token != "" {
		ue.URL = strings.ReplaceAll(ue.URL, token, "xxxxx")
	}
	return err.Error()
}

// breakerTransport passes every request through the server's breaker.
type breakerTransport struct {
	base    http.RoundTripper
	breaker *breaker.Breaker
}

// RoundTrip implements http.RoundTripper.
func (t *breakerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	done, err := t.breaker.Allow()
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	res, err := t.base.RoundTrip(req)
	done(!unhealthy(res, err))
	return res, err
}

// Request is the outcome of one HTTP request, for metrics: Config.OnRequest
// receives one per request. Kind is "" when the request succeeded.
type Request struct {
	Op       string // the client method, e.g. "CreateConnection"
	Kind     Kind
	Status   int // HTTP status, 0 when no answer arrived
	Duration time.Duration
}

// Outcome is "ok" or the failure's Kind, a bounded label for counters.
func (r Request) Outcome() string {
	if r.Kind == "" {
		return "ok"
	}
	return string(r.Kind)
}

func statusOf(res *http.Response) int {
	if res == nil {
		return 0
	}
	return res.StatusCode
}
