package proxmox

import (
	"log/slog"

	"github.com/labforge/labforge/internal/breaker"
)

// BreakerSettings configure the circuit breaker of each node: it opens
// after FailuresToTrip consecutive node-level failures (network errors,
// 595/596, 502-504). Zero fields take the defaults of breaker.Settings.
type BreakerSettings = breaker.Settings

// BreakerState is a node breaker's state: "closed" (requests flow),
// "open" (requests fail fast with NodeDown) or "half-open" (probing).
type BreakerState = breaker.State

// Breaker states.
const (
	BreakerClosed   = breaker.Closed
	BreakerOpen     = breaker.Open
	BreakerHalfOpen = breaker.HalfOpen
)

// newBreaker builds the breaker for node; log already carries the node.
// onChange (optional) hears every state change after it is logged.
func newBreaker(node string, s BreakerSettings, log *slog.Logger, onChange func(node string, from, to BreakerState)) *breaker.Breaker {
	return breaker.New(node, "node", s, log, onChange)
}

// breakerOpenError is a request refused by an open (or probing) breaker.
type breakerOpenError = breaker.OpenError

// IsBreakerOpen reports whether err is a request the node's circuit breaker
// refused without sending it.
func IsBreakerOpen(err error) bool { return breaker.IsOpen(err) }
