package moodle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labforge/labforge/internal/breaker"
	"github.com/labforge/labforge/internal/redact"
)

// RESTPath is where a Moodle site serves its REST web service protocol.
const RESTPath = "/webservice/rest/server.php"

// maxAnswer bounds the answer read from Moodle.
const maxAnswer = 32 << 20

// Config configures a client of one Moodle site.
type Config struct {
	// URL is the site's address (its wwwroot), e.g.
	// https://moodle.example.edu; a URL ending in RESTPath is accepted too.
	URL string
	// Token is the web service token. It is sent in the request body only
	// and never logged or put into an error.
	Token string
	// Timeout bounds each call. Default 30s.
	Timeout time.Duration
	// DuplicateTimeout bounds core_course_duplicate_course, which backs up
	// and restores the course while the request waits. Default 10m.
	DuplicateTimeout time.Duration
	// Breaker configures the site's circuit breaker, which opens after
	// consecutive Unavailable failures.
	Breaker breaker.Settings
	// Logger receives one debug line per call and the breaker's changes;
	// nil discards.
	Logger *slog.Logger
	// Transport, when set, carries the requests; nil clones
	// http.DefaultTransport.
	Transport http.RoundTripper
	// UserAgent is sent with every request. Default "labforge".
	UserAgent string
}

// withDefaults fills every unset field.
func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.DuplicateTimeout <= 0 {
		c.DuplicateTimeout = 10 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Transport == nil {
		c.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if c.UserAgent == "" {
		c.UserAgent = "labforge"
	}
	c.Breaker = c.Breaker.WithDefaults()
	return c
}

// LogValue renders the configuration for logs with the token hidden.
func (c Config) LogValue() slog.Value {
	token := ""
	if c.Token != "" {
		token = "xxxxx"
	}
	return slog.GroupValue(slog.String("url", redact.URL(c.URL)), slog.String("token", token),
		slog.Duration("timeout", c.Timeout), slog.Duration("duplicate_timeout", c.DuplicateTimeout))
}

// Client calls one Moodle site's web service functions. It is safe for
// concurrent use.
type Client struct {
	cfg      Config
	site     string // the URL without secrets, for logs and breaker names
	endpoint string
	hc       *http.Client
	breaker  *breaker.Breaker
	log      *slog.Logger
}

// New builds a client; it performs no request (see SiteInfo to check the
// token). It fails with an *Error of kind Invalid when the URL is not an
// http(s) URL or the token is empty.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalidArg("New", fmt.Sprintf("the Moodle URL %q is not an http(s) URL such as https://moodle.example.edu", redact.URL(cfg.URL)))
	}
	if cfg.Token == "" {
		return nil, invalidArg("New", "the Moodle web service token is empty")
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, RESTPath), "/")
	site := redact.URL(u.String())
	log := cfg.Logger.With("moodle", site)
	return &Client{
		cfg: cfg, site: site, endpoint: u.String() + RESTPath,
		hc:      &http.Client{Transport: cfg.Transport},
		breaker: breaker.New(site, "Moodle site", cfg.Breaker, log, nil),
		log:     log,
	}, nil
}

// Site is the site's address.
func (c *Client) Site() string { return c.site }

// BreakerState reports the site's circuit breaker state.
func (c *Client) BreakerState() breaker.State { return c.breaker.State() }

// call invokes the web service function fn with params (see encodeParams)
// and decodes its answer into out (nil: the answer must be JSON, usually
// null). Every failure is an *Error.
func (c *Client) call(ctx context.Context, op, fn string, params, out any) error {
	var f form
	f.add("wstoken", c.cfg.Token)
	f.add("wsfunction", fn)
	f.add("moodlewsrestformat", "json")
	if err := encodeParams(&f, params); err != nil {
		return &Error{Kind: Invalid, Op: op, Function: fn, Message: err.Error(), Err: err}
	}
	timeout := c.cfg.Timeout
	if fn == fnDuplicateCourse {
		timeout = c.cfg.DuplicateTimeout
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	e := c.do(ctx, callCtx, fn, f.encode(), out)
	if e != nil {
		e.Op, e.Function = op, fn
		c.log.Debug("moodle call failed", "op", op, "function", fn, "duration", time.Since(start),
			"kind", e.Kind, "code", e.Code, "status", e.Status, "message", e.Message)
		return e
	}
	c.log.Debug("moodle call", "op", op, "function", fn, "duration", time.Since(start))
	return nil
}

// do sends one request through the breaker and interprets the answer.
// ctx is the caller's context, callCtx the one bounded by the timeout.
func (c *Client) do(ctx, callCtx context.Context, fn, body string, out any) *Error {
	done, err := c.breaker.Allow()
	if err != nil {
		return &Error{Kind: Unavailable, Message: err.Error(), Err: err}
	}
	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, c.endpoint, strings.NewReader(body))
	if err != nil {
		done(true)
		return &Error{Kind: Invalid, Message: err.Error(), Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	res, err := c.hc.Do(req)
	if err != nil {
		// The caller giving up says nothing about the site; our own
		// timeout running out does.
		done(ctx.Err() != nil)
		return c.transportError(ctx, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer+1))
	if err != nil {
		done(ctx.Err() != nil)
		return c.transportError(ctx, err)
	}
	e := interpret(res.StatusCode, raw, out, c.endpoint)
	done(e == nil || e.Kind != Unavailable)
	return e
}

// transportError classifies a failure to get an answer.
func (c *Client) transportError(ctx context.Context, err error) *Error {
	msg := err.Error()
	switch {
	case ctx.Err() != nil:
		msg = "the call was abandoned: " + ctx.Err().Error()
	case errors.Is(err, context.DeadlineExceeded):
		msg = "no answer within the timeout: " + msg
	}
	return &Error{Kind: Unavailable, Message: msg, Err: err}
}

// exceptionBody is how the REST server renders an exception.
type exceptionBody struct {
	Exception string `json:"exception"`
	ErrorCode string `json:"errorcode"`
	Message   string `json:"message"`
	DebugInfo string `json:"debuginfo"`
}

// interpret turns an HTTP answer into out or an *Error.
func interpret(status int, raw []byte, out any, endpoint string) *Error {
	if status != http.StatusOK {
		e := &Error{Kind: Invalid, Status: status, Message: "HTTP " + http.StatusText(status)}
		switch {
		case status >= 500, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
			e.Kind = Unavailable
		case status == http.StatusForbidden:
			e.Kind = AccessDenied
			e.Message = "HTTP 403: web services or the REST protocol are not enabled on the site, or its web server refuses the request"
		case status == http.StatusNotFound:
			e.Message = "HTTP 404: no Moodle web service at " + redact.URL(endpoint) + "; is the URL the site's address?"
		}
		return e
	}
	if len(raw) > maxAnswer {
		return &Error{Kind: Invalid, Message: fmt.Sprintf("the answer is larger than %d bytes", maxAnswer)}
	}
	trimmed := bytes.TrimSpace(raw)
	if bytes.HasPrefix(trimmed, []byte("{")) {
		var ex exceptionBody
		if json.Unmarshal(trimmed, &ex) == nil && ex.Exception != "" {
			return &Error{Kind: codeKind(ex.ErrorCode), Exception: ex.Exception, Code: ex.ErrorCode,
				Message: ex.Message, DebugInfo: ex.DebugInfo}
		}
	}
	if out == nil {
		if !json.Valid(trimmed) {
			return unexpected(trimmed, nil)
		}
		return nil
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
		return unexpected(trimmed, err)
	}
	return nil
}

// unexpected is an answer that is not what Moodle sends, such as the HTML
// of a login page when the URL is not the site's.
func unexpected(body []byte, err error) *Error {
	snippet := string(body)
	if len(snippet) > 120 {
		snippet = snippet[:120] + "..."
	}
	return &Error{Kind: Invalid, Message: "unexpected answer (is the URL the Moodle site's address?): " + snippet, Err: err}
}
