package proxmox

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	goprox "github.com/luthermonson/go-proxmox"
)

// messageRule maps Proxmox message text (an HTTP reason phrase or a task's
// exit status) to a Kind. Rules are tried in order; the first match wins.
type messageRule struct {
	kind Kind
	re   *regexp.Regexp
}

// messageRules is the classification table. Order matters: "QEMU guest
// agent is not running" must be AgentNotReady before "not running" makes it
// a Conflict, and "Permission check failed (pool 'x' does not exist)" is
// Unauthorized before "does not exist" makes it NotFound.
var messageRules = []messageRule{
	{Locked, regexp.MustCompile(`(?i)can't lock file|got lock request timeout|lock request timeout|\bis locked\b|trying to acquire lock`)},
	{AgentNotReady, regexp.MustCompile(`(?i)guest agent is not running`)},
	{Invalid, regexp.MustCompile(`(?i)no qemu guest agent configured`)},
	{Unauthorized, regexp.MustCompile(`(?i)permission check failed|permission denied|authentication fail|no ticket|invalid csrf|not authorized`)},
	{Conflict, regexp.MustCompile(`(?i)still in use by linked clone|protection mode enabled|already running|not running|\bis running\b|container is running|is paused|cannot shutdown|if it's a template|template to a template|contains snapshots`)},
	{AlreadyExists, regexp.MustCompile(`(?i)already exists|already used|refusing to override existing file|failed: File exists`)},
	{NotFound, regexp.MustCompile(`(?i)does not exist|no such|not found|unable to find|unable to open file|hostname lookup .* failed|name or service not known`)},
	{Invalid, regexp.MustCompile(`(?i)parameter verification failed|not allowed|invalid format|unable to parse|not supported|not available|not implemented|malformed|only possible from a snapshot|uses local storage|non-shared storage|not a file based storage|not configured for content-type`)},
	{Transient, regexp.MustCompile(`(?i)got timeout|timed out|timeout|no quorum|cluster not ready|try again|logical volume .* in use`)},
}

// messageKind classifies Proxmox message text, or returns "" when no rule
// matches.
func messageKind(msg string) Kind {
	for _, r := range messageRules {
		if r.re.MatchString(msg) {
			return r.kind
		}
	}
	return ""
}

// httpKind classifies a failed HTTP answer by status, then message.
func httpKind(status int, msg string) Kind {
	switch status {
	case 595, 596:
		return NodeDown
	case 401, 403:
		return Unauthorized
	case 400:
		return Invalid
	case 404:
		return NotFound
	case 501:
		return Invalid
	case 502, 503, 504, 429, 408:
		return Transient
	}
	if k := messageKind(msg); k != "" {
		return k
	}
	if status >= 500 {
		return Transient
	}
	return Invalid
}

// taskKind classifies a failed task's exit status.
func taskKind(exitStatus string) Kind {
	if k := messageKind(exitStatus); k != "" {
		return k
	}
	return TaskFailed
}

// classify turns whatever a go-proxmox call returned into an *Error. A
// failed HTTP answer recorded by the transport wins over go-proxmox's own
// rendering of it (bare status text, JSON decode errors for empty bodies,
// or no error at all for a 4xx with a {"data":null} body).
func classify(node, op string, err error, ex *exchange) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if ex != nil {
		if status, reason, body := ex.failure(); status != 0 {
			return httpError(node, op, status, reason, body, err)
		}
	}
	return errorFromGo(node, op, err, ex != nil && ex.answered())
}

// httpError builds the error for a failed HTTP answer.
func httpError(node, op string, status int, reason string, body []byte, err error) *Error {
	var parsed struct {
		Message string          `json:"message"`
		Errors  json.RawMessage `json:"errors"`
	}
	_ = json.Unmarshal(body, &parsed)
	msg := reason
	if msg == "" || msg == statusText(status) {
		if m := strings.TrimSpace(parsed.Message); m != "" {
			msg = m
		}
	}
	if msg == "" {
		msg = statusText(status)
	}
	params := parseParamErrors(parsed.Errors)
	kind := httpKind(status, msg)
	if status == 400 && strings.Contains(params["upid"], "no such task") {
		kind = TaskUnknown
	}
	return &Error{Kind: kind, Node: node, Op: op, Status: status, Message: msg, Params: params, Err: err}
}

// statusText is the standard reason phrase, including pveproxy's own codes.
func statusText(status int) string {
	switch status {
	case 595:
		return "Connection refused"
	case 596:
		return "Connection timed out"
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "HTTP " + strconv.Itoa(status)
}

// parseParamErrors decodes Proxmox's {"param": "message"} errors object.
func parseParamErrors(raw json.RawMessage) map[string]string {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = strings.TrimSpace(s)
			continue
		}
		b, _ := json.Marshal(v)
		out[k] = string(b)
	}
	return out
}

// goStatusText matches go-proxmox's rendering of 500 and 501 answers: the
// bare status line, e.g. "500 VM 104 already running".
var goStatusText = regexp.MustCompile(`^(\d{3}) (.*)$`)

// goBadRequest matches go-proxmox's rendering of 400 answers.
var goBadRequest = regexp.MustCompile(`(?s)^bad request: (\d{3}) (.*?) - (\{.*\})$`)

// errorFromGo classifies an error that came without a recorded failed
// answer: the breaker, TLS, the network, the caller's context, or
// go-proxmox's own error shapes. answered reports that an HTTP answer did
// arrive (so a decode error means the answer was not what Proxmox sends).
func errorFromGo(node, op string, err error, answered bool) *Error {
	e := &Error{Kind: Transient, Node: node, Op: op, Err: err, Message: errText(err)}
	var (
		open   *breakerOpenError
		record tls.RecordHeaderError
		dns    *net.DNSError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &open):
		e.Kind, e.Message = NodeDown, open.Error()
	case isTLSVerificationError(err):
		e.Kind, e.Message = Unauthorized, "TLS verification failed: "+errText(err)
	case errors.As(err, &record):
		e.Kind, e.Message = Invalid, "endpoint does not speak TLS: "+errText(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		e.Kind = Transient
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.As(err, &dns):
		e.Kind = NodeDown
	case errors.Is(err, goprox.ErrNotAuthorized):
		e.Kind, e.Status = Unauthorized, 401
	case errors.As(err, &syntax), errors.As(err, &typ), errors.Is(err, io.ErrUnexpectedEOF) && answered,
		err != nil && err.Error() == "unexpected end of JSON input":
		if answered {
			e.Kind, e.Message = Invalid, "unexpected response from Proxmox: "+errText(err)
		} else {
			// An empty body without a recorded status is what go-proxmox
			// makes of 595/596 when the transport is bypassed.
			e.Kind, e.Message = NodeDown, "empty or malformed answer (595/596?): "+errText(err)
		}
	default:
		if m := goBadRequest.FindStringSubmatch(errText(err)); m != nil {
			status, _ := strconv.Atoi(m[1])
			return &Error{Kind: Invalid, Node: node, Op: op, Status: status, Message: m[2],
				Params: parseParamErrors(json.RawMessage(m[3])), Err: err}
		}
		if m := goStatusText.FindStringSubmatch(errText(err)); m != nil {
			status, _ := strconv.Atoi(m[1])
			return &Error{Kind: httpKind(status, m[2]), Node: node, Op: op, Status: status, Message: m[2], Err: err}
		}
	}
	return e
}

// errText is err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
