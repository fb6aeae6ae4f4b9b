// Package clienterr holds what the service clients' error types
// (internal/proxmox, internal/moodle, internal/guacamole) share: each has
// a Kind, a string type whose values classify failures, and an *Error
// carrying one, and each matches and extracts kinds the same way.
package clienterr

import (
	"context"
	"errors"
)

// SameKind is the Is method of an error of type P and kind: it reports
// whether target is kind itself, or a P whose kind (kindOf, which must
// accept a nil P) is kind.
func SameKind[K comparable, P error](kind K, target error, kindOf func(P) K) bool {
	switch t := target.(type) {
	case K:
		return t == kind
	case P:
		return kindOf(t) == kind
	}
	return false
}

// KindOf returns the kind of err: the zero kind for nil, the kind of the
// first P in its chain, canceled for context cancellation and deadlines
// (the caller gave up: worth another try), unknown otherwise.
func KindOf[K comparable, P error](err error, kindOf func(P) K, canceled, unknown K) K {
	var zero K
	if err == nil {
		return zero
	}
	var e P
	if errors.As(err, &e) {
		return kindOf(e)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return canceled
	}
	return unknown
}
