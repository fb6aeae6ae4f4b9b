// Package guacamole is Labforge's client for the Apache Guacamole REST API
// (checked against guacamole-client 1.6.0 with a JDBC backend), on net/http:
// no maintained Go client exists.
//
// A Client signs in with the configured administrator credentials when it
// first needs a token and keeps the token; when Guacamole answers 403
// (PERMISSION_DENIED or INVALID_CREDENTIALS) for a cached token, the token
// has expired (Guacamole drops tokens after 60 minutes of inactivity by
// default), so the client signs in again and retries the call once.
//
// Writes are idempotent so that a retried activity never makes a second
// object: CreateConnection returns the connection of the same name under
// the same parent when there is one, EnsureUser leaves an existing user
// alone, DeleteConnection and DeleteUser succeed when the object is already
// gone, and permission patches add or remove a permission whether or not it
// is held.
//
// Every error returned by the client's methods is an *Error whose Kind is
// one of the stable names listed at Kind, carrying Guacamole's error type
// and message. All requests to one Guacamole server pass one circuit breaker
// (internal/breaker); an open breaker is an Unavailable error, retryable.
// An activity maps errors to Temporal errors in one place:
//
//	var e *guacamole.Error
//	if errors.As(err, &e) && !e.Retryable() {
//		return temporal.NewNonRetryableApplicationError(e.Error(), "Guacamole"+string(e.Kind), err)
//	}
//	return err // retried: Unavailable, Transient
//
// Passwords (the client's own, users', and connection parameters such as
// "password", "passphrase" or "private-key") are never logged: Config,
// User and Connection hide them when logged with log/slog.
package guacamole
