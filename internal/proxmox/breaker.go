package proxmox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sony/gobreaker/v2"
)

// BreakerSettings configure the circuit breaker of each node. Zero fields
// take the documented defaults.
type BreakerSettings struct {
	// FailuresToTrip is how many consecutive node-level failures (network
	// errors, 595/596, 502-504) open the breaker. Default 5.
	FailuresToTrip uint32
	// OpenTimeout is how long the breaker stays open before letting one
	// probe request through. Default 30s.
	OpenTimeout time.Duration
	// HalfOpenRequests is how many probe requests may run while half-open;
	// that many consecutive successes close the breaker. Default 1.
	HalfOpenRequests uint32
}

func (s BreakerSettings) withDefaults() BreakerSettings {
	if s.FailuresToTrip == 0 {
		s.FailuresToTrip = 5
	}
	if s.OpenTimeout <= 0 {
		s.OpenTimeout = 30 * time.Second
	}
	if s.HalfOpenRequests == 0 {
		s.HalfOpenRequests = 1
	}
	return s
}

// BreakerState is a node breaker's state: "closed" (requests flow),
// "open" (requests fail fast with NodeDown) or "half-open" (probing).
type BreakerState string

// Breaker states.
const (
	BreakerClosed   BreakerState = "closed"
	BreakerOpen     BreakerState = "open"
	BreakerHalfOpen BreakerState = "half-open"
)

func breakerState(s gobreaker.State) BreakerState {
	switch s {
	case gobreaker.StateOpen:
		return BreakerOpen
	case gobreaker.StateHalfOpen:
		return BreakerHalfOpen
	}
	return BreakerClosed
}

// breaker is one node's circuit breaker over HTTP requests.
type breaker struct {
	node string
	cb   *gobreaker.TwoStepCircuitBreaker[struct{}]
}

// newBreaker builds the breaker for node; log already carries the node.
// onChange (optional) hears every state change after it is logged.
func newBreaker(node string, s BreakerSettings, log *slog.Logger, onChange func(node string, from, to BreakerState)) *breaker {
	s = s.withDefaults()
	trip := s.FailuresToTrip
	cb := gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        node,
		MaxRequests: s.HalfOpenRequests,
		Timeout:     s.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= trip },
		OnStateChange: func(name string, from, to gobreaker.State) {
			level := slog.LevelInfo
			if to == gobreaker.StateOpen {
				level = slog.LevelWarn
			}
			log.Log(context.Background(), level, "proxmox circuit breaker changed state",
				"from", breakerState(from), "to", breakerState(to))
			if onChange != nil {
				onChange(name, breakerState(from), breakerState(to))
			}
		},
	})
	return &breaker{node: node, cb: cb}
}

// allow admits a request, or returns a *breakerOpenError. done must be
// called with whether the request succeeded as far as node health goes.
func (b *breaker) allow() (done func(ok bool), err error) {
	done, err = b.cb.Allow()
	if err != nil {
		return nil, &breakerOpenError{node: b.node, state: breakerState(b.cb.State()), err: err}
	}
	return done, nil
}

// state returns the breaker's current state.
func (b *breaker) state() BreakerState { return breakerState(b.cb.State()) }

// breakerOpenError is a request refused by an open (or probing) breaker.
type breakerOpenError struct {
	node  string
	state BreakerState
	err   error
}

func (e *breakerOpenError) Error() string {
	return fmt.Sprintf("node %s unreachable: circuit breaker %s, failing fast", e.node, e.state)
}

func (e *breakerOpenError) Unwrap() error { return e.err }

// IsBreakerOpen reports whether err is a request the node's circuit breaker
// refused without sending it.
func IsBreakerOpen(err error) bool {
	var b *breakerOpenError
	return errors.As(err, &b)
}
