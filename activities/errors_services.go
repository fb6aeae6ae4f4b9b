package activities

import (
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/guacamole"
	"github.com/labforge/labforge/internal/moodle"
)

// Error type prefixes of the Guacamole and Moodle activities: their
// failures carry "Guacamole" or "Moodle" followed by the client's Kind
// name (GuacamoleUnavailable, GuacamoleBadRequest, MoodleUnavailable,
// MoodleInvalidParameter, MoodleNotFound, ...). The services' Unavailable
// (down, 5xx, breaker open) and Guacamole's Transient are retryable, so
// a workflow waits for the service; every other kind is non-retryable.
const (
	ErrTypeGuacamolePrefix = "Guacamole"
	ErrTypeMoodlePrefix    = "Moodle"
)

// ErrTypeGuacamoleUnavailable and ErrTypeMoodleUnavailable are the types
// of an unreachable (or breaker-open) Guacamole or Moodle: retryable.
const (
	ErrTypeGuacamoleUnavailable = ErrTypeGuacamolePrefix + string(guacamole.Unavailable)
	ErrTypeMoodleUnavailable    = ErrTypeMoodlePrefix + string(moodle.Unavailable)
)

// classifyGuacamole turns a Guacamole client error into a Temporal
// application error of type "Guacamole<Kind>"; errors that do not come
// from the client (store errors, ...) go through classify.
func classifyGuacamole(err error) error {
	kind := guacamole.KindOf(err)
	return classifyClient(err, ErrTypeGuacamolePrefix+string(kind), kind != guacamole.Unknown, kind.Retryable())
}

// classifyMoodle turns a Moodle client error (exceptions and warnings
// alike) into a Temporal application error of type "Moodle<Kind>"; errors
// that do not come from the client go through classify.
func classifyMoodle(err error) error {
	kind := moodle.KindOf(err)
	return classifyClient(err, ErrTypeMoodlePrefix+string(kind), kind != moodle.Unknown, kind.Retryable())
}

// classifyClient turns an error a client classified (fromClient) into an
// application error of type typ, retryable or not; other errors go
// through classify.
func classifyClient(err error, typ string, fromClient, retryable bool) error {
	switch {
	case err == nil:
		return nil
	case !fromClient:
		return classify(err)
	case retryable:
		return temporal.NewApplicationErrorWithCause(err.Error(), typ, err)
	default:
		return temporal.NewNonRetryableApplicationError(err.Error(), typ, err)
	}
}
