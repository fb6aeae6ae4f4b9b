package activities

import (
	"github.com/labforge/labforge/domain"
	"go.temporal.io/sdk/temporal"
)

// Stable error type names workflows switch on. They never change once released.
const (
	ErrTypeInvalid   = "Invalid"
	ErrTypeNotFound  = "NotFound"
	ErrTypeConflict  = "Conflict"
	ErrTypeForbidden = "Forbidden"
)

// classify turns a domain error into a Temporal application error: kinds a
// retry cannot fix become non-retryable with a stable type name; everything
// else (unavailable stores, network trouble, unknown failures) stays
// retryable.
func classify(err error) error {
	if err == nil {
		return nil
	}
	switch domain.KindOf(err) {
	case domain.KindInvalid:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalid, err)
	case domain.KindNotFound:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	case domain.KindConflict:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeConflict, err)
	case domain.KindForbidden, domain.KindUnauthorized:
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeForbidden, err)
	default:
		return err
	}
}
