package proxmox

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labforge/labforge/internal/breaker"
)

// maxErrorBody bounds how much of a failed answer is kept for classification.
const maxErrorBody = 64 << 10

// exchange records what the transport saw for one client method call, so
// classification sees the real HTTP status and reason phrase of a failed
// answer (595/596 included) instead of go-proxmox's rendering of it.
type exchange struct {
	mu     sync.Mutex
	any    bool // an HTTP answer arrived
	status int  // status of the last failed answer, 0 if none
	reason string
	body   []byte
}

type exchangeKey struct{}

// withExchange attaches ex to ctx for the transport to fill in.
func withExchange(ctx context.Context, ex *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, ex)
}

func exchangeFrom(ctx context.Context) *exchange {
	ex, _ := ctx.Value(exchangeKey{}).(*exchange)
	return ex
}

func (ex *exchange) record(res *http.Response, body []byte) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	ex.any = true
	if res.StatusCode < 400 {
		return
	}
	ex.status = res.StatusCode
	ex.reason = reasonPhrase(res)
	ex.body = body
}

// failure returns the last failed answer, or status 0.
func (ex *exchange) failure() (status int, reason string, body []byte) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	return ex.status, ex.reason, ex.body
}

// answered reports whether any HTTP answer arrived.
func (ex *exchange) answered() bool {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	return ex.any
}

// reasonPhrase is the text after the status code in the status line, where
// Proxmox puts its error message ("500 VM 104 already running").
func reasonPhrase(res *http.Response) string {
	r := strings.TrimPrefix(res.Status, strconv.Itoa(res.StatusCode))
	return strings.TrimSpace(r)
}

// transport guards every request to one endpoint with the node's circuit
// breaker and records failed answers for classification. It never alters
// what go-proxmox receives: failed answers are passed on with their body.
type transport struct {
	base    http.RoundTripper
	breaker *breaker.Breaker
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	done, err := t.breaker.Allow()
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	res, err := t.base.RoundTrip(req)
	if err != nil {
		done(!countsAsNodeFailure(err))
		return nil, err
	}
	done(!unreachableStatus(res.StatusCode))
	if ex := exchangeFrom(req.Context()); ex != nil {
		var body []byte
		if res.StatusCode >= 400 {
			body, _ = io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
			_ = res.Body.Close()
			res.Body = io.NopCloser(bytes.NewReader(body))
		}
		ex.record(res, body)
	}
	return res, nil
}

// unreachableStatus reports answers that mean the node (not the request)
// failed: pveproxy's 595/596 and a fronting proxy's 502-504.
func unreachableStatus(status int) bool {
	switch status {
	case 595, 596, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// countsAsNodeFailure reports whether a transport error says something about
// the node's health. The caller cancelling, and certificate problems (a
// configuration error, not an outage), do not count.
func countsAsNodeFailure(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	return !isTLSVerificationError(err)
}
