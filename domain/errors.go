package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies an error so that every layer can react to it without
// parsing messages. The API maps each kind to exactly one HTTP status.
type Kind string

// The error kinds Labforge distinguishes.
const (
	KindInternal     Kind = "internal"
	KindInvalid      Kind = "invalid"
	KindNotFound     Kind = "not_found"
	KindConflict     Kind = "conflict"
	KindForbidden    Kind = "forbidden"
	KindUnauthorized Kind = "unauthorized"
	KindUnavailable  Kind = "unavailable"
	// KindUnprocessable: a well-formed request the object's workflow
	// refused (a date in the past, an unknown participant).
	KindUnprocessable Kind = "unprocessable"
	// KindTooManyRequests: the caller must wait before trying again
	// (sign-in back-off); see RetryAfter.
	KindTooManyRequests Kind = "too_many_requests"
)

// Error is a domain error: a kind, a message safe to show to the caller and,
// for KindInvalid, the offending fields with one message each.
type Error struct {
	Kind    Kind
	Message string
	Fields  map[string]string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Message
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+": "+e.Fields[k])
		}
		msg += " (" + strings.Join(parts, "; ") + ")"
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a domain error of the given kind with a formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns a domain error of the given kind that keeps err as its cause.
// The message is what the caller sees; err stays internal.
func Wrap(err error, kind Kind, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// NotFoundf is shorthand for Errorf(KindNotFound, ...).
func NotFoundf(format string, args ...any) *Error { return Errorf(KindNotFound, format, args...) }

// Conflictf is shorthand for Errorf(KindConflict, ...).
func Conflictf(format string, args ...any) *Error { return Errorf(KindConflict, format, args...) }

// KindOf returns the kind of the first domain error in err's chain, or
// KindInternal when there is none.
func KindOf(err error) Kind {
	var de *Error
	if errors.As(err, &de) {
		return de.Kind
	}
	return KindInternal
}

// IsKind reports whether err carries the given kind.
func IsKind(err error, kind Kind) bool {
	return err != nil && KindOf(err) == kind
}

// FieldsOf returns the field messages of the first domain error in err's
// chain, or nil.
func FieldsOf(err error) map[string]string {
	var de *Error
	if errors.As(err, &de) {
		return de.Fields
	}
	return nil
}
