package proxmox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	goprox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/breaker"
)

// Options tune every client built from them. The zero value is usable.
type Options struct {
	// Timeout bounds each HTTP request (not a task). Default 60s.
	Timeout time.Duration
	// Breaker configures each node's circuit breaker.
	Breaker BreakerSettings
	// Logger receives warnings (insecure TLS, breaker changes) and debug
	// output; nil discards.
	Logger *slog.Logger
	// BaseTransport, when set, is cloned for each client; its TLS settings
	// are replaced by the endpoint's. Nil clones http.DefaultTransport.
	BaseTransport *http.Transport
	// UserAgent is sent with every request. Default "labforge".
	UserAgent string
	// OnCall, when set, hears the outcome of every client method call.
	OnCall func(Call)
	// OnBreakerChange, when set, hears every breaker state change.
	OnBreakerChange func(node string, from, to BreakerState)
}

// Client talks to one Proxmox node's API. It is safe for concurrent use.
type Client struct {
	ep      NodeEndpoint
	api     *goprox.Client
	breaker *breaker.Breaker
	log     *slog.Logger
	onCall  func(Call)

	pollersMu sync.Mutex
	pollers   map[string]*taskPoller // AwaitTask's, by node
}

// New builds a client for one node. It performs no request; it fails when
// the endpoint is incomplete or its TLS settings are unusable (no
// verification configured, unreadable CA, malformed fingerprint). The
// error is an *Error of kind Invalid.
func New(ep NodeEndpoint, opts Options) (*Client, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("node", ep.Name)
	base, err := ep.apiBase()
	if err != nil {
		return nil, &Error{Kind: Invalid, Node: ep.Name, Op: "New", Message: err.Error(), Err: err}
	}
	tc, err := tlsConfig(ep, log)
	if err != nil {
		return nil, &Error{Kind: Invalid, Node: ep.Name, Op: "New", Message: "TLS: " + err.Error(), Err: err}
	}
	var ht *http.Transport
	if opts.BaseTransport != nil {
		ht = opts.BaseTransport.Clone()
	} else {
		ht = http.DefaultTransport.(*http.Transport).Clone()
		ht.MaxIdleConnsPerHost = 16
	}
	ht.TLSClientConfig = tc
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	br := newBreaker(ep.Name, opts.Breaker, log, opts.OnBreakerChange)
	hc := &http.Client{Transport: &transport{base: ht, breaker: br}, Timeout: timeout}
	ua := opts.UserAgent
	if ua == "" {
		ua = "labforge"
	}
	api := goprox.NewClient(base,
		goprox.WithHTTPClient(hc),
		goprox.WithAPIToken(ep.TokenID, ep.TokenSecret),
		goprox.WithUserAgent(ua),
		goprox.WithLogger(slogAdapter{log}),
	)
	return &Client{ep: ep, api: api, breaker: br, log: log, onCall: opts.OnCall}, nil
}

// Node is the name of the node this client talks to.
func (c *Client) Node() string { return c.ep.Name }

// Cluster is the cluster of the node this client talks to.
func (c *Client) Cluster() string { return c.ep.Cluster }

// BreakerState reports the node's circuit breaker state.
func (c *Client) BreakerState() BreakerState { return c.breaker.State() }

// API is the underlying go-proxmox client, for calls this package does not
// wrap. Its requests still pass the node's breaker, but its errors are not
// classified: pass them through Classify.
func (c *Client) API() *goprox.Client { return c.api }

// Classify turns an error from API() into an *Error (kind Transient when
// nothing more specific is known). It returns nil for nil.
func (c *Client) Classify(op string, err error) error {
	if err == nil {
		return nil
	}
	return classify(c.ep.Name, op, err, nil)
}

// call runs one go-proxmox call under op's name: it records the HTTP
// exchange, classifies any failure into an *Error, logs and reports it.
func (c *Client) call(ctx context.Context, op, node string, fn func(ctx context.Context) error) error {
	if node == "" {
		node = c.ep.Name
	}
	start := time.Now()
	ex := &exchange{}
	err := fn(withExchange(ctx, ex))
	var out *Error
	if status, _, _ := ex.failure(); err != nil || status != 0 {
		out = classify(node, op, err, ex)
		c.log.Debug("proxmox call failed", "op", op, "target", node, "kind", out.Kind, "status", out.Status, "message", out.Message)
	}
	if c.onCall != nil {
		ci := Call{Node: c.ep.Name, Op: op, Duration: time.Since(start)}
		if out != nil {
			ci.Kind, ci.Status = out.Kind, out.Status
		}
		c.onCall(ci)
	}
	if out != nil {
		return out
	}
	return nil
}

func (c *Client) get(ctx context.Context, op, node, path string, out any) error {
	return c.call(ctx, op, node, func(ctx context.Context) error { return c.api.Get(ctx, path, out) })
}

func (c *Client) post(ctx context.Context, op, node, path string, body, out any) error {
	return c.call(ctx, op, node, func(ctx context.Context) error { return c.api.Post(ctx, path, body, out) })
}

func (c *Client) put(ctx context.Context, op, node, path string, body, out any) error {
	return c.call(ctx, op, node, func(ctx context.Context) error { return c.api.Put(ctx, path, body, out) })
}

func (c *Client) del(ctx context.Context, op, node, path string, q url.Values, out any) error {
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return c.call(ctx, op, node, func(ctx context.Context) error { return c.api.Delete(ctx, path, out) })
}

// startTask POSTs a request that forks a Proxmox task and returns its
// validated UPID.
func (c *Client) startTask(ctx context.Context, op, node, path string, body map[string]any) (string, error) {
	var data any // a nil map must not become a JSON "null" body
	if len(body) > 0 {
		data = body
	}
	var upid string
	if err := c.post(ctx, op, node, path, data, &upid); err != nil {
		return "", err
	}
	return c.checkUPID(op, node, upid)
}

// deleteTask DELETEs a resource whose removal runs as a task.
func (c *Client) deleteTask(ctx context.Context, op, node, path string, q url.Values) (string, error) {
	var upid string
	if err := c.del(ctx, op, node, path, q, &upid); err != nil {
		return "", err
	}
	return c.checkUPID(op, node, upid)
}

func (c *Client) checkUPID(op, node, upid string) (string, error) {
	if _, err := ParseUPID(upid); err != nil {
		var e *Error
		errors.As(err, &e)
		return "", &Error{Kind: Invalid, Node: node, Op: op, Message: "Proxmox answered with a " + e.Message, Err: err}
	}
	return upid, nil
}

// nodePath validates a node name and builds /nodes/<node>/<rest>.
func nodePath(op, node, rest string) (string, error) {
	if !nodeNamePattern.MatchString(node) {
		return "", invalidf(node, op, "invalid node name %q", node)
	}
	return "/nodes/" + node + rest, nil
}

// guestPath builds /nodes/<node>/<kind>/<vmid><rest> after validating both.
func guestPath(op, node, kind string, vmid int, rest string) (string, error) {
	if err := checkVMID(node, op, vmid); err != nil {
		return "", err
	}
	return nodePath(op, node, "/"+kind+"/"+strconv.Itoa(vmid)+rest)
}

// checkVMID enforces Proxmox's VMID range (100 - 999999999).
func checkVMID(node, op string, vmid int) error {
	if vmid < 100 || vmid > 999_999_999 {
		return invalidf(node, op, "VMID %d is outside 100-999999999", vmid)
	}
	return nil
}

// boolInt renders a boolean as Proxmox wants it on the wire: 1 or 0.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// slogAdapter feeds go-proxmox's leveled logger into slog. Its debug output
// (every request and response body) goes below slog's debug level.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debugf(f string, v ...any) { a.log(slog.LevelDebug-4, f, v) }
func (a slogAdapter) Infof(f string, v ...any)  { a.log(slog.LevelInfo, f, v) }
func (a slogAdapter) Warnf(f string, v ...any)  { a.log(slog.LevelWarn, f, v) }
func (a slogAdapter) Errorf(f string, v ...any) { a.log(slog.LevelError, f, v) }

func (a slogAdapter) log(level slog.Level, f string, v []any) {
	ctx := context.Background()
	if a.l.Enabled(ctx, level) {
		a.l.Log(ctx, level, fmt.Sprintf(f, v...), "source", "go-proxmox")
	}
}
