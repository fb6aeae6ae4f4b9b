package guacamole

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/labforge/labforge/internal/clienterr"

	"github.com/labforge/labforge/internal/breaker"
)

// Kind classifies a Guacamole failure so callers decide between retrying
// and giving up without reading message text. The values are stable:
// activities use them in Temporal error types and workflows switch on them.
//
// A Kind is also an error, so errors.Is(err, guacamole.NotFound) reports
// whether err is an *Error of that kind.
type Kind string

const (
	// Unavailable means Guacamole cannot be reached: connection refused or
	// reset, a 502-504 from the proxy in front of it, or its circuit
	// breaker is open. Retryable.
	Unavailable Kind = "Unavailable"
	// Transient is a failure that may go away by itself: a 500
	// (INTERNAL_ERROR, e.g. its database failing), 408/429, a timeout.
	// Retryable.
	Transient Kind = "Transient"
	// BadRequest means Guacamole refused the request (400 BAD_REQUEST):
	// a blank name, an unsupported patch.
	BadRequest Kind = "BadRequest"
	// AlreadyExists is a BAD_REQUEST for a name that is taken ("The
	// connection "x" already exists.", "User "x" already exists.").
	AlreadyExists Kind = "AlreadyExists"
	// InvalidCredentials means sign-in failed: the configured username or
	// password is wrong (403 INVALID_CREDENTIALS or INSUFFICIENT_CREDENTIALS).
	InvalidCredentials Kind = "InvalidCredentials"
	// PermissionDenied means the signed-in user may not do this (403
	// PERMISSION_DENIED with a freshly signed-in token).
	PermissionDenied Kind = "PermissionDenied"
	// NotFound means the object does not exist, or the user may not see it
	// (404 NOT_FOUND; Guacamole does not tell the two apart).
	NotFound Kind = "NotFound"
	// Invalid means the request could not be made (bad configuration, a
	// blank name) or Guacamole's answer was not what it sends.
	Invalid Kind = "Invalid"
	// Unknown is what KindOf reports for an error that did not come from
	// this package.
	Unknown Kind = "Unknown"
)

// Retryable reports whether an operation that failed with this kind may
// succeed when attempted again later without any change.
func (k Kind) Retryable() bool { return k == Unavailable || k == Transient }

// Error makes a Kind usable as a target of errors.Is.
func (k Kind) Error() string { return "guacamole: " + string(k) }

// Error is a classified Guacamole failure.
type Error struct {
	Kind Kind
	// Op names the client method, e.g. "CreateConnection".
	Op string
	// Status is the HTTP status, 0 when no answer arrived.
	Status int
	// Type is Guacamole's error type (BAD_REQUEST, PERMISSION_DENIED,
	// NOT_FOUND, ...), "" when the answer was not a Guacamole error.
	Type string
	// Message is Guacamole's message, or a description of the failure.
	Message string
	// Err is the underlying error, if any.
	Err error
}

// Error renders the error for logs and operators.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("guacamole")
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	b.WriteString(": " + e.Message + " [" + string(e.Kind))
	if e.Status != 0 {
		b.WriteString(" " + strconv.Itoa(e.Status))
	}
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	b.WriteString("]")
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, or an *Error with the same Kind.
func (e *Error) Is(target error) bool { return clienterr.SameKind(e.Kind, target, kindOfError) }

// kindOfError is e's Kind ("" for nil).
func kindOfError(e *Error) Kind {
	if e == nil {
		return ""
	}
	return e.Kind
}

// Retryable reports whether the failed operation may succeed if retried.
func (e *Error) Retryable() bool { return e.Kind.Retryable() }

// KindOf returns the Kind of err: "" for nil, the kind of an *Error in its
// chain, Transient for context cancellation and deadlines, Unknown otherwise.
func KindOf(err error) Kind { return clienterr.KindOf(err, kindOfError, Transient, Unknown) }

// IsRetryable reports whether err is a retryable Guacamole failure.
func IsRetryable(err error) bool { return KindOf(err).Retryable() }

// answerKind classifies a failed answer by status and Guacamole type.
func answerKind(status int, typ, msg string) Kind {
	switch {
	case status == http.StatusBadRequest && strings.HasSuffix(msg, " already exists."):
		return AlreadyExists
	case typ == "INVALID_CREDENTIALS", typ == "INSUFFICIENT_CREDENTIALS":
		return InvalidCredentials
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return PermissionDenied
	case status == http.StatusNotFound:
		return NotFound
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		return Unavailable
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests, status >= 500:
		return Transient
	}
	return BadRequest
}

// transportKind classifies an error that came without an answer.
func transportKind(err error) Kind {
	var (
		dns *net.DNSError
		ne  net.Error
		tv  *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &tv):
		return Invalid
	case breaker.IsOpen(err), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.As(err, &dns):
		return Unavailable
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Transient
	}
	// Other transport failures (EOF on a dropped connection, TLS
	// handshake resets) mean the server is not answering properly.
	return Unavailable
}

// unhealthy reports whether an outcome counts against the server's breaker:
// no answer at all (unless the caller cancelled) or 502-504.
func unhealthy(res *http.Response, err error) bool {
	if err != nil {
		var tv *tls.CertificateVerificationError
		return !errors.Is(err, context.Canceled) && !errors.As(err, &tv)
	}
	return answerKind(res.StatusCode, "", "") == Unavailable
}
